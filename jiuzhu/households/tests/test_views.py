"""The household registry pages (家庭档案) as a worker uses them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.choices import FLAG_NAMES, INCOME_KINDS
from jiuzhu.households.forms import HouseholdForms
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.rules.validation import id_check_character
from jiuzhu.testing import UserFactory, household_dict, member_dict

pytestmark = pytest.mark.django_db

HOUSEHOLD_FIELDS = ("household_id", "area_type", "assessment_date", "address", "phone")
ASSET_FIELDS = ("homes_owned", "housing_area_m2", "financial_assets", "large_machinery_value",
                "livestock_sheep_units", "contracted_land_mu",
                "commercial_insurance_premium_annual", "debts")
MEMBER_FIELDS = ("member_id", "name", "id_number", "relation", "birth_date", "health",
                 "occupation", "school_level", "care_level", "refused_job_offers")


def _formset(prefix: str, rows: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    post: dict[str, Any] = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
                            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is True:
                post[f"{prefix}-{index}-{name}"] = "on"
            elif value not in (False, None):
                post[f"{prefix}-{index}-{name}"] = value
    return post


def form_post(data: dict[str, Any], *, reason: str | None = None,
              initial_rows: tuple[int, int, int] = (0, 0, 0)) -> dict[str, Any]:
    """What the register/edit page posts for a household dict."""
    assets = data.get("assets") or {}
    post: dict[str, Any] = {name: data.get(name, "") for name in HOUSEHOLD_FIELDS}
    post["region"] = data["region_code"]
    post.update(data.get("expenditures") or {})
    post.update({k: assets[k] for k in ASSET_FIELDS if k in assets})
    for name in ("dilapidated_housing", "business_registration"):
        if assets.get(name):
            post[name] = "on"
    for name in FLAG_NAMES:
        if (data.get("flags") or {}).get(name):
            post[name] = "on"
    if reason is not None:
        post["reason"] = reason
    members = [{**{k: m.get(k) for k in MEMBER_FIELDS},
                **{k: True for k in ("in_school", "public_servant", "orphan_or_unsupported")
                   if m.get(k)},
                **(m.get("income") or {})} for m in data["members"]]
    supporters = [{**s, "supports": ",".join(s["supports"]), "exempt": s.get("exempt") or ""}
                  for s in data.get("supporters") or []]
    post.update(_formset("members", members, initial_rows[0]))
    post.update(_formset("supporters", supporters, initial_rows[1]))
    post.update(_formset("vehicles", list(assets.get("vehicles") or []), initial_rows[2]))
    return post


def registered(**kwargs: Any) -> Household:
    return household_register(actor=SYSTEM, data=household_dict(**kwargs))


def field_errors(html: str, field_id: str) -> list[str]:
    """The error messages rendered next to the field with this id."""
    return [unescape(m) for m in re.findall(rf'id="{field_id}_error">([^<]*)<', html)]


@pytest.fixture
def worker_client(client, window_worker):
    client.force_login(window_worker)
    return client


# --- list ----------------------------------------------------------------------------------

def test_list_shows_only_the_users_subtree(worker_client, tree):
    mine = registered(region_code=tree["village1"].code)
    theirs = registered(region_code=tree["village2"].code)

    response = worker_client.get(reverse("households:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert mine.household_id in html
    assert theirs.household_id not in html
    assert "第1村" in html  # region column


def test_list_region_filter_offers_only_the_users_townships_and_villages(worker_client, tree):
    html = worker_client.get(reverse("households:list")).content.decode()
    region_select = re.search(r'<select[^>]*name="region".*?</select>', html, re.S).group(0)
    assert tree["town1"].code in region_select and tree["village1"].code in region_select
    assert tree["town2"].code not in region_select
    assert tree["grid1"].code not in region_select


def test_search_by_id_number_and_by_name(worker_client, tree):
    wanted = registered(members=[member_dict(name="王小明")])
    other = registered(members=[member_dict(name="赵大力")])
    id_number = wanted.members.get().id_number

    by_id = worker_client.get(reverse("households:list"), {"q": id_number}).content.decode()
    by_name = worker_client.get(reverse("households:list"), {"q": "小明"}).content.decode()

    assert wanted.household_id in by_id and other.household_id not in by_id
    assert wanted.household_id in by_name and other.household_id not in by_name


def test_unknown_region_in_the_address_keeps_the_rest_of_the_search(worker_client, tree):
    wanted = registered(members=[member_dict(name="王小明")])
    other = registered(members=[member_dict(name="赵大力")])
    html = worker_client.get(reverse("households:list"),
                             {"q": "小明", "region": "000000"}).content.decode()
    assert wanted.household_id in html and other.household_id not in html


def test_region_links_of_the_home_page_filter_by_county(client, tree):
    """A city user follows the home page's link to a county, which the select does not offer."""
    client.force_login(UserFactory(role="window_worker", region=tree["city"]))
    in_county = registered(region_code=tree["village2"].code)
    html = client.get(reverse("households:list"), {"region": tree["county"].code}).content.decode()
    assert in_county.household_id in html
    assert f'value="{tree["county"].code}" selected' in html


def test_htmx_search_returns_only_the_results(worker_client, tree):
    household = registered()
    response = worker_client.get(reverse("households:list"), {"q": household.household_id},
                                 HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert household.household_id in html
    assert "<html" not in html and 'name="q"' not in html
    assert "HX-Request" in response["Vary"]


def test_list_offers_registration_only_to_editors(client, tree):
    investigator = UserFactory(role="investigator", region=tree["town1"])
    client.force_login(investigator)
    html = client.get(reverse("households:list")).content.decode()
    assert reverse("households:create") not in html

    client.force_login(UserFactory(role="window_worker", region=tree["town1"]))
    html = client.get(reverse("households:list")).content.decode()
    assert reverse("households:create") in html


def test_list_does_not_query_per_row(worker_client, tree, django_assert_max_num_queries):
    for _ in range(30):
        registered()
    with django_assert_max_num_queries(12):
        response = worker_client.get(reverse("households:list"))
    assert response.content.decode().count('href="/households/') >= 25
    assert "第 1 / 2 页" in response.content.decode()


def test_list_requires_login(client, tree):
    response = client.get(reverse("households:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- detail --------------------------------------------------------------------------------

def test_other_township_is_not_found_like_a_missing_household(client, other_window_worker, tree):
    household = registered(region_code=tree["village1"].code)
    client.force_login(other_window_worker)
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404
    assert client.get(reverse("households:edit", args=[household.pk])).status_code == 404
    assert client.post(reverse("households:deactivate", args=[household.pk]),
                       {"reason": "x"}).status_code == 404
    assert client.get(reverse("households:detail", args=[999999])).status_code == 404


def test_detail_shows_members_with_chinese_labels_and_age(worker_client, tree):
    household = registered(members=[
        member_dict(name="张三", relation="head", birth=date(1970, 5, 1), health="chronic_illness"),
    ])
    html = worker_client.get(reverse("households:detail", args=[household.pk])).content.decode()
    today = date.today()
    age = today.year - 1970 - ((today.month, today.day) < (5, 1))
    assert "张三" in html and "户主" in html and "慢性病" in html and "灵活就业/打零工" in html
    assert f"{age} 岁" in html
    assert 'id="assessment-panel"' in html


def test_viewing_a_household_is_audited(worker_client, window_worker, tree):
    household = registered()
    worker_client.get(reverse("households:detail", args=[household.pk]))
    event = AuditEvent.objects.get(action="view", object_id=str(household.pk))
    assert event.actor == window_worker
    assert event.region_path == household.region_path


# --- register ------------------------------------------------------------------------------

def _full_household() -> dict[str, Any]:
    data = household_dict(household_id="REG-001", phone="0951-1234567")
    data["members"][1]["income"] = {"wages": 12000, "pension": 600.5}
    data["supporters"] = [{"name": "张大", "relation": "child", "annual_income": 36000,
                           "supports": ["M1", "M2"], "exempt": None, "large_assets": False}]
    data["assets"]["vehicles"] = [{"kind": "motorcycle", "value": 3000}]
    data["flags"] = {"single_parent": True}
    return data


def test_register_through_the_form_creates_the_household(worker_client, tree):
    data = _full_household()
    response = worker_client.post(reverse("households:create"), form_post(data))

    household = Household.objects.get(household_id="REG-001")
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    assert [m.name for m in household.members.all()] == ["张三", "李四"]
    assert household.members.get(member_id="M2").pension == 600.5
    supporter = household.supporters.get()
    assert (supporter.name, supporter.supports, supporter.annual_income) == ("张大", ["M1", "M2"], 36000)
    assert [(v.kind, v.value) for v in household.vehicles.all()] == [("motorcycle", 3000)]
    assert household.single_parent and household.medical == 1200
    assert household.created_by is not None

    page = worker_client.get(response["Location"]).content.decode()
    assert "已登记" in page  # the success message
    for text in ("REG-001", "张三", "李四", "张大", "摩托车", "3000.00", "095*****4567"):  # the phone masked
        assert text in page


def test_register_numbers_members_left_without_a_number(worker_client, tree):
    data = household_dict(household_id="REG-002")
    for member in data["members"]:
        member["member_id"] = ""
    worker_client.post(reverse("households:create"), form_post(data))
    household = Household.objects.get(household_id="REG-002")
    assert [m.member_id for m in household.members.all()] == ["M1", "M2"]


def test_wrong_check_digit_is_shown_next_to_that_members_id_number(worker_client, tree):
    data = household_dict(household_id="REG-003")
    good = data["members"][1]["id_number"]
    wrong = good[:17] + ("0" if id_check_character(good[:17]) != "0" else "1")
    data["members"][1]["id_number"] = wrong

    response = worker_client.post(reverse("households:create"), form_post(data))

    html = response.content.decode()
    assert response.status_code == 422
    assert not Household.objects.exists()
    assert field_errors(html, "id_members-1-id_number") == ["身份证号校验位错误"]
    assert field_errors(html, "id_members-0-id_number") == []
    assert f'value="{wrong}"' in html  # what was typed is kept
    assert 'value="REG-003"' in html and 'value="李四"' in html


def test_form_errors_keep_the_page_and_say_what_is_missing(worker_client, tree):
    data = household_dict(household_id="REG-004")
    data["members"][0]["name"] = ""
    response = worker_client.post(reverse("households:create"), form_post(data))
    html = response.content.decode()
    assert response.status_code == 422
    assert field_errors(html, "id_members-0-name") == ["必填项"]
    assert not Household.objects.exists()


def test_duplicate_member_is_shown_on_the_id_number(worker_client, tree):
    existing = registered()
    taken = existing.members.get(member_id="M1").id_number
    data = household_dict(household_id="REG-005")
    data["members"][1]["id_number"] = taken
    data["members"][1]["birth_date"] = existing.members.get(member_id="M1").birth_date.isoformat()

    response = worker_client.post(reverse("households:create"), form_post(data))

    html = response.content.decode()
    assert response.status_code == 422
    assert field_errors(html, "id_members-1-id_number") == ["该身份证号已在另一个在册家庭中登记"]
    assert "成员已在另一个在册家庭中登记" in html
    assert not Household.objects.filter(household_id="REG-005").exists()


def test_supporter_naming_a_stranger_is_shown_on_supports(worker_client, tree):
    data = household_dict(household_id="REG-006")
    data["supporters"] = [{"name": "外人", "annual_income": 0, "supports": ["M9"]}]
    html = worker_client.post(reverse("households:create"), form_post(data)).content.decode()
    assert field_errors(html, "id_supporters-0-supports") == ['不是本户成员："M9"']


def test_role_that_may_not_edit_gets_403(client, tree):
    client.force_login(UserFactory(role="investigator", region=tree["town1"]))
    household = registered()
    assert client.get(reverse("households:create")).status_code == 403
    assert client.post(reverse("households:create"),
                       form_post(household_dict())).status_code == 403
    assert client.get(reverse("households:edit", args=[household.pk])).status_code == 403
    assert Household.objects.count() == 1


def test_register_page_offers_the_users_villages(worker_client, tree):
    html = worker_client.get(reverse("households:create")).content.decode()
    assert tree["village1"].code in html and tree["village2"].code not in html
    assert 'id="members-empty"' in html and "添加成员" in html and "添加车辆" in html


# --- edit ----------------------------------------------------------------------------------

def test_edit_with_reason_records_history_shown_on_detail(worker_client, tree):
    household = registered(address="旧地址1号")
    data = household_dict(household_id=household.household_id)
    data["members"] = [{**m, "income": {}} for m in
                       [_as_member_dict(m) for m in household.members.all()]]
    data["address"] = "新地址2号"
    data["members"][1]["name"] = "李四四"
    url = reverse("households:edit", args=[household.pk])

    page = worker_client.get(url).content.decode()
    assert 'value="旧地址1号"' in page

    missing_reason = worker_client.post(url, form_post(data, initial_rows=(2, 0, 0)))
    assert field_errors(missing_reason.content.decode(), "id_reason") == ["必填项"]

    response = worker_client.post(url, form_post(data, reason="入户核实后更正",
                                                 initial_rows=(2, 0, 0)))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "新地址2号"

    html = worker_client.get(reverse("households:detail", args=[household.pk])).content.decode()
    history = re.search(r'data-testid="history".*?</table>', html, re.S).group(0)
    assert "<del>旧地址1号</del> → <ins>新地址2号</ins>" in history
    assert "<del>李四</del> → <ins>李四四</ins>" in history
    assert "入户核实后更正" in history


def _as_member_dict(member) -> dict[str, Any]:
    return {"member_id": member.member_id, "name": member.name, "id_number": member.id_number,
            "relation": member.relation, "birth_date": member.birth_date.isoformat(),
            "health": member.health, "occupation": member.occupation,
            "income": {k: getattr(member, k) for k in INCOME_KINDS}}


def test_edit_can_delete_a_member(worker_client, tree):
    household = registered()
    data = household_dict(household_id=household.household_id)
    data["members"] = [_as_member_dict(m) for m in household.members.all()]
    post = form_post(data, reason="迁出", initial_rows=(2, 0, 0))
    post["members-1-DELETE"] = "on"
    response = worker_client.post(reverse("households:edit", args=[household.pk]), post)
    assert response.status_code == 302
    assert [m.name for m in household.members.all()] == ["张三"]


# --- deactivate ----------------------------------------------------------------------------

def test_deactivate_needs_a_reason(worker_client, tree):
    household = registered()
    url = reverse("households:deactivate", args=[household.pk])

    worker_client.post(url, {"reason": " "})
    household.refresh_from_db()
    assert household.status == "active"

    response = worker_client.post(url, {"reason": "户籍迁出本县"}, follow=True)
    household.refresh_from_db()
    assert household.status == "inactive"
    assert "已注销" in response.content.decode()
    assert "户籍迁出本县" in response.content.decode()  # the reason is in the history


# --- error paths onto fields ----------------------------------------------------------------

def test_service_error_paths_land_on_their_fields(window_worker, tree):
    data = household_dict()
    data["assets"]["vehicles"] = [{"kind": "car", "value": 1}]
    forms = HouseholdForms.build(user=window_worker, data=form_post(data))
    assert forms.is_valid()
    forms.to_household_data()

    forms.attach_errors([
        {"path": "members[1].income.wages", "message": "甲"},
        {"path": "assets.vehicles[0].value", "message": "乙"},
        {"path": "expenditures.medical", "message": "丙"},
        {"path": "region_code", "message": "丁"},
        {"path": "members[7].name", "message": "戊"},
        {"path": "somewhere.else", "message": "己"},
    ])

    assert forms.members.forms[1].errors["wages"] == ["甲"]
    assert forms.vehicles.forms[0].errors["value"] == ["乙"]
    assert forms.household.errors["medical"] == ["丙"]
    assert forms.household.errors["region"] == ["丁"]
    assert forms.household.non_field_errors() == ["members[7].name：戊", "somewhere.else：己"]




def test_export_link_carries_the_same_search(worker_client, tree):
    html = worker_client.get(reverse("households:list"),
                             {"q": "张三", "region": tree["village1"].code, "status": "all"}
                             ).content.decode()
    link = re.search(r'href="([^"]*)"[^>]*>导出 Excel<', html).group(1)
    assert unescape(link) == (f"{reverse('exchange:export')}?q=%E5%BC%A0%E4%B8%89"
                              f"&region={tree['village1'].code}&status=")


# --- the form a worker fills in one round (#10 item 4) --------------------------------------

def test_every_error_is_shown_in_one_round_check_digit_included(worker_client, tree):
    data = household_dict(household_id="REG-101")
    good = data["members"][1]["id_number"]
    data["members"][1]["id_number"] = good[:17] + ("0" if id_check_character(good[:17]) != "0" else "1")
    data["members"][0]["name"] = ""  # a plain form error on another member
    data["assessment_date"] = ""
    response = worker_client.post(reverse("households:create"), form_post(data))
    html = response.content.decode()
    assert response.status_code == 422
    assert field_errors(html, "id_members-0-name") == ["必填项"]
    assert field_errors(html, "id_members-1-id_number") == ["身份证号校验位错误"]
    assert field_errors(html, "id_assessment_date") == ["必填项"]
    assert not Household.objects.exists()


def test_supporter_and_duplicate_numbers_are_shown_with_the_field_errors(worker_client, tree):
    data = household_dict(household_id="REG-102")
    data["members"][1]["id_number"] = data["members"][0]["id_number"]
    data["members"][1]["birth_date"] = data["members"][0]["birth_date"]
    data["supporters"] = [{"name": "外人", "annual_income": 0, "supports": ["M9"]}]
    data["address"] = "x" * 201  # refused by the form itself
    html = worker_client.post(reverse("households:create"), form_post(data)).content.decode()
    assert field_errors(html, "id_address")
    assert field_errors(html, "id_members-1-id_number") == ["身份证号与第 1 位成员重复"]
    assert field_errors(html, "id_supporters-0-supports") == ['不是本户成员："M9"']


def test_birth_date_left_empty_is_taken_from_the_id_number(worker_client, tree):
    data = household_dict(household_id="REG-103")
    number = data["members"][1]["id_number"]
    data["members"][1]["birth_date"] = ""
    response = worker_client.post(reverse("households:create"), form_post(data))
    assert response.status_code == 302
    member = Household.objects.get(household_id="REG-103").members.get(member_id="M2")
    assert member.birth_date.strftime("%Y%m%d") == number[6:14]


def test_monthly_amounts_are_saved_as_the_year_exactly(worker_client, tree):
    data = household_dict(household_id="REG-104")
    data["members"][0]["income"] = {"wages": "800.01"}
    data["expenditures"] = {"medical": "33.33"}
    post = form_post(data)
    page = worker_client.get(reverse("households:create")).content.decode()
    assert "（元/年）" in page and 'value="month"' in page
    response = worker_client.post(reverse("households:create"), {**post, "amount_period": "month"})
    assert response.status_code == 302
    household = Household.objects.get(household_id="REG-104")
    assert household.members.get(member_id="M1").wages == Decimal("9600.12")
    assert household.medical == Decimal("399.96")


def test_the_form_shows_units_and_sex_from_the_id_number(worker_client, tree):
    data = household_dict(household_id="REG-105")
    data["members"][0]["name"] = ""
    html = worker_client.post(reverse("households:create"),
                              {**form_post(data), "amount_period": "month"}).content.decode()
    assert "（元/月）" in html and "（元/年）" in html  # supporters' yearly income stays yearly
    assert 'id="members-0-sex" value="男"' in html or 'id="members-0-sex" value="女"' in html


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_bad_upload_is_named_and_the_good_one_kept_for_the_next_submit(worker_client, tree,
                                                                        settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    data = household_dict(household_id="REG-106")
    data["members"][0]["name"] = ""
    post = form_post(data)
    first = worker_client.post(reverse("households:create"), {
        **post, "documents": [SimpleUploadedFile("户口簿.png", PNG, "image/png"),
                              SimpleUploadedFile("说明.docx", b"PK\x03\x04 word", "application/msword")]})
    html = first.content.decode()
    assert first.status_code == 422
    assert "说明.docx：只接受 JPEG、PNG 图片或 PDF 文件" in html
    assert field_errors(html, "id_members-0-name") == ["必填项"]
    tokens = re.findall(r'name="kept_file" value="([^"]+)"', html)
    assert len(tokens) == 1 and "户口簿.png" in html

    data["members"][0]["name"] = "张三"
    second = worker_client.post(reverse("households:create"), {
        **form_post(data), "kept_file": tokens,
        "documents": [SimpleUploadedFile("收入证明.pdf", b"%PDF-1.4 x", "application/pdf")]})
    assert second.status_code == 302
    household = Household.objects.get(household_id="REG-106")
    assert sorted(household.files.values_list("original_name", flat=True)) == ["户口簿.png", "收入证明.pdf"]
    scan = household.files.get(original_name="户口簿.png")
    response = worker_client.get(reverse("households:file", args=[household.pk, scan.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="download", object_id=str(household.pk)).exists()
    detail = worker_client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "户口簿.png" in detail
    assert "<td>男</td>" in detail  # sex from the ID number (the test numbers are odd: male)
    worker_client.force_login(UserFactory(role="window_worker", region=tree["town2"]))
    assert worker_client.get(reverse("households:file", args=[household.pk, scan.pk])).status_code == 404


def test_a_bad_upload_alone_refuses_the_save_and_changes_nothing(worker_client, tree, settings,
                                                                 tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    data = household_dict(household_id="REG-107")
    response = worker_client.post(reverse("households:create"), {
        **form_post(data), "documents": [SimpleUploadedFile("空.pdf", b"", "application/pdf")]})
    assert response.status_code == 422 and "空.pdf：文件为空" in response.content.decode()
    assert not Household.objects.filter(household_id="REG-107").exists()
