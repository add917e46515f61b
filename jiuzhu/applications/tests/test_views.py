"""The dibao pages: who sees what, which actions are offered, and what a refusal looks like."""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiuzhu.applications import services
from jiuzhu.applications.models import Application
from jiuzhu.applications.views import mask_name
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict

from .conftest import MATERIALS, PDF, PNG

SIGN = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Today for the services and the pages: Monday 2 March 2026, moved by a test."""
    state = {"today": date(2026, 3, 2)}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: state["today"])
    return state


def submitted(staff, household) -> Application:
    return services.application_create(
        actor=staff["window"], household=household, item_code="MZ01", channel="window",
        files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])


def investigation() -> dict:
    return {"investigators": ["周明", "李强"], "location": {"lat": 30.1, "lng": 104.2},
            "signatures": {"investigator_1": SIGN, "investigator_2": SIGN, "applicant": SIGN},
            "neighbour_visits": [{"name": "邻居甲", "statement": "家中确有困难"}]}


STEPS = [
    ("window", "accept", {}, None),
    ("reviewer", "assign_investigation", {"investigators": ["周明", "李强"]}, None),
    ("verifier", "record_verification",
     {"report": {"summary": "依据各部门出具的证明核对无异常", "reason": "核对系统停机"}},
     [("核对原始材料", "sources.pdf", PDF)]),
    ("investigator", "record_investigation", investigation(), [("入户照片", "p.png", PNG)]),
    ("assistant", "record_appraisal",
     {"members_present": 13, "votes_for": 13, "votes_against": 0, "result": "pass"}, None),
    ("reviewer", "submit_opinion", {"recommend": "approve"}, None),
    ("reviewer", "publish_notice", {}, None),
]


def advance(staff, application: Application, until: str) -> Application:
    """Take the procedure's steps in order up to and including ``until``."""
    for who, action, data, files in STEPS:
        application = services.application_act(actor=staff[who], application_id=application.pk,
                                                action=action, data=data, files=files)
        if action == until:
            break
    return application


def actions_on_page(content: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', content))


# --- list and case page -------------------------------------------------------------------

def test_the_list_shows_the_townships_cases_and_another_township_gets_404(
        client, staff, poor_household):
    case = submitted(staff, poor_household)
    client.force_login(staff["window"])
    page = client.get(reverse("applications:list"))
    assert page.status_code == 200 and case.number in page.content.decode()
    assert client.get(reverse("applications:list"), {"q": "张三"}).content.decode().count(
        case.number) >= 1
    assert case.number not in client.get(reverse("applications:list"),
                                         {"alert": "red"}).content.decode()

    client.force_login(staff["other_window"])
    assert case.number not in client.get(reverse("applications:list")).content.decode()
    assert client.get(reverse("applications:detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("applications:act", args=[case.pk, "accept"])).status_code == 404
    assert Application.objects.get(pk=case.pk).state == "submitted"


def test_the_list_does_not_query_per_row(client, staff, tree):
    client.force_login(staff["window"])

    def add(n):
        for _ in range(n):
            household = household_register(actor=staff["window"], data=household_dict())
            submitted(staff, household)

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("applications:list")).status_code == 200
    add(4)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("applications:list"))
    assert page.content.decode().count('href="/applications/') >= 6
    assert len(many) == len(few)


def test_the_case_page_offers_only_the_actions_possible_now(client, staff, poor_household):
    case = submitted(staff, poor_household)
    client.force_login(staff["window"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert actions_on_page(page) == {"accept", "request_supplement", "reject", "withdraw"}
    assert 'data-action="approve"' not in page and ">批准</button>" not in page
    assert case.number in page and case.query_code in page
    for material in MATERIALS:
        assert material in page  # attachments listed
    assert "申请告知书" in page or "D01" in page  # the documents list

    client.force_login(staff["approver"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert actions_on_page(page) == set()
    assert 'data-testid="no-actions"' in page


def test_an_action_goes_through_and_shows_in_the_timeline(client, staff, poor_household):
    case = submitted(staff, poor_household)
    client.force_login(staff["window"])
    response = client.post(reverse("applications:act", args=[case.pk, "accept"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[case.pk])
    content = response.content.decode()
    assert "已完成：受理" in content
    assert Application.objects.get(pk=case.pk).state == "accepted"
    assert "已申请 → 已受理（调查核对中）" in content
    # the reviewer now sees the assignment, with the township's investigators to pick
    client.force_login(staff["reviewer"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert actions_on_page(page) >= {"assign_investigation"}
    assert f'value="{staff["investigator"].pk}"' in page and str(staff["investigator"]) in page
    response = client.post(reverse("applications:act", args=[case.pk, "assign_investigation"]),
                           {"assign_investigation-investigators": [staff["investigator"].pk]})
    assert response.status_code == 422
    assert "至少 2 名" in response.content.decode()
    # an organisation is chosen among those holding a contract (a typed name is refused)
    response = client.post(reverse("applications:act", args=[case.pk, "assign_investigation"]),
                           {"assign_investigation-organisation": "示范调查事务所"})
    assert response.status_code == 422
    assert Application.objects.get(pk=case.pk).investigation_organisation is None
    response = client.post(reverse("applications:act", args=[case.pk, "assign_investigation"]),
                           {"assign_investigation-investigators": [staff["investigator"].pk,
                                                                  staff["assistant"].pk]})
    assert response.status_code == 302
    assert set(Application.objects.get(pk=case.pk).investigator_users.all()) == {
        staff["investigator"], staff["assistant"]}


def test_a_refused_step_is_shown_as_409_and_changes_nothing(client, staff, poor_household):
    case = submitted(staff, poor_household)
    client.force_login(staff["approver"])
    response = client.post(reverse("applications:act", args=[case.pk, "approve"]),
                           {"approve-amount": "100.00"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "当前环节不能办理" in content and "申请未作任何改变" in content
    assert Application.objects.get(pk=case.pk).state == "submitted"
    assert Application.objects.get(pk=case.pk).steps.count() == 1

    client.force_login(staff["reviewer"])
    response = client.post(reverse("applications:act", args=[case.pk, "accept"]))
    assert response.status_code == 403
    assert "无权办理" in response.content.decode()


def test_form_errors_come_back_next_to_the_field_with_the_input_kept(
        client, staff, poor_household):
    case = advance(staff, submitted(staff, poor_household), "record_investigation")
    assert case.state == "appraisal"
    client.force_login(staff["assistant"])
    response = client.post(reverse("applications:act", args=[case.pk, "record_appraisal"]), {
        "record_appraisal-members_present": "14", "record_appraisal-votes_for": "10",
        "record_appraisal-votes_against": "2", "record_appraisal-result": "pass",
        "record_appraisal-note": "村民代表会议，保留这段说明"})
    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="id_record_appraisal-members_present_error"' in content
    assert "不少于 13 的单数" in content
    assert "保留这段说明" in content and 'value="14"' in content
    assert Application.objects.get(pk=case.pk).state == "appraisal"


def test_request_supplement_lists_the_missing_materials(client, staff, poor_household):
    case = services.application_create(actor=staff["window"], household=poor_household,
                                       item_code="MZ01", channel="window",
                                       files=[("户口簿", "a.pdf", PDF)])
    client.force_login(staff["window"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert "尚缺材料：身份证、家庭经济状况核对授权书" in page
    response = client.post(reverse("applications:act", args=[case.pk, "request_supplement"]),
                           {"request_supplement-missing": ["身份证", "收入证明"]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "awaiting_supplement" and case.missing_materials == ["身份证", "收入证明"]
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert actions_on_page(page) == {"submit_supplement", "withdraw"}
    response = client.post(reverse("applications:act", args=[case.pk, "submit_supplement"]), {
        "submit_supplement-material_0": SimpleUploadedFile("id.pdf", PDF),
        "submit_supplement-material_1": SimpleUploadedFile("income.pdf", PDF)})
    assert response.status_code == 302
    assert Application.objects.get(pk=case.pk).state == "submitted"


# --- new application -----------------------------------------------------------------------

def test_a_new_application_with_its_materials(client, staff, poor_household):
    client.force_login(staff["window"])
    url = reverse("applications:create")
    found = client.get(url, {"q": poor_household.household_id}).content.decode()
    assert f"?household={poor_household.pk}" in found
    page = client.get(url, {"household": poor_household.pk}).content.decode()
    for material in [*MATERIALS, "代办授权书"]:
        assert f'data-material="{material}"' in page

    # a proxy without the authorisation: the error is next to it, the choice and the file
    # already chosen are kept
    response = client.post(f"{url}?household={poor_household.pk}", {
        "household": poor_household.pk, "item_code": "MZ01", "channel": "proxy",
        "material_0": SimpleUploadedFile("户口簿.pdf", PDF)})
    assert response.status_code == 422
    content = response.content.decode()
    assert "代办须上传申请人签字的授权委托书" in content
    assert re.search(r'value="proxy"[^>]*checked', content)
    assert "已保留上次选择的文件：户口簿.pdf" in content
    kept = re.search(r'name="kept_0" value="([^"]+)"', content).group(1)
    assert not Application.objects.exists()

    files = {f"material_{i}": SimpleUploadedFile(f"{m}.pdf", PDF)
             for i, m in enumerate(MATERIALS) if i}
    response = client.post(url, {"household": poor_household.pk, "item_code": "MZ01",
                                 "channel": "window", "kept_0": kept, **files})
    case = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "applications:detail", args=[case.pk])
    assert sorted(case.attachments.values_list("material", flat=True)) == sorted(MATERIALS)


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_on_the_page(client, staff, poor_household):
    client.force_login(staff["window"])
    response = client.post(reverse("applications:create"), {
        "household": poor_household.pk, "item_code": "MZ01", "channel": "window",
        "material_0": SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf")})
    assert response.status_code == 422
    assert "只接受 JPEG、PNG 图片或 PDF 文件" in response.content.decode()
    assert not Application.objects.exists()


def test_only_window_workers_open_a_new_application(client, staff, poor_household):
    client.force_login(staff["investigator"])
    assert client.get(reverse("applications:create")).status_code == 403
    client.force_login(staff["other_window"])
    assert client.get(reverse("applications:create"),
                      {"household": poor_household.pk}).status_code == 404


# --- home investigation on a phone -------------------------------------------------------

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"}


def test_the_investigation_page_is_for_investigators(client, staff, poor_household):
    # the survey is recorded only once the investigation was assigned (test_offers.py)
    case = advance(staff, submitted(staff, poor_household), "assign_investigation")
    url = reverse("applications:investigate", args=[case.pk])
    client.force_login(staff["investigator"])
    page = client.get(url, **PHONE)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in content
    assert 'accept="image/*" capture="environment" multiple' in content
    assert content.count("data-signature-pad") == 3
    assert poor_household.address in content
    assert "applications/investigate.js" in content
    for who in ("window", "reviewer", "approver"):
        client.force_login(staff[who])
        assert client.get(url).status_code == 403
    client.force_login(staff["other_window"])
    assert client.get(url).status_code == 404


def test_an_investigation_from_the_phone(client, staff, poor_household):
    case = advance(staff, submitted(staff, poor_household), "assign_investigation")
    url = reverse("applications:investigate", args=[case.pk])
    client.force_login(staff["investigator"])
    form = {"investigator_1": "周明", "investigator_2": "李强", "visited_on": "2026-03-03",
            "lat": "30.1", "lng": "104.2", "findings": "住房简陋",
            "sign_investigator_1": SIGN, "sign_investigator_2": SIGN,
            "neighbour_name": ["邻居甲", ""], "neighbour_relation": ["东邻", ""],
            "neighbour_statement": ["家中确有困难", ""]}

    refused = client.post(url, {**form, "sign_applicant": ""}, **PHONE)
    assert refused.status_code == 422
    content = refused.content.decode()
    assert "请在框内签名" in content and "请拍摄或上传至少 1 张入户照片" in content
    assert "住房简陋" in content and "邻居甲" in content and SIGN in content
    assert Application.objects.get(pk=case.pk).investigation_recorded is False

    done = client.post(url, {**form, "sign_applicant": SIGN,
                             "photos": [SimpleUploadedFile("a.png", PNG, "image/png")]}, **PHONE)
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.investigation_recorded
    assert case.investigation["neighbour_visits"] == [
        {"name": "邻居甲", "relation": "东邻", "statement": "家中确有困难"}]
    assert case.attachments.filter(kind="photo").count() == 1
    assert case.attachments.filter(kind="signature").count() == 3
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert "北纬 30.1，东经 104.2" in page and "邻居甲（东邻）：家中确有困难" in page


# --- overdue notice ----------------------------------------------------------------------

def test_the_overdue_notice_lists_red_cases_for_supervisors(client, staff, poor_household, clock):
    late = submitted(staff, poor_household)  # acceptance due 2026-03-05
    other = household_register(actor=staff["window"], data=household_dict(members=[
        member_dict(name="赵六")]))
    clock["today"] = date(2026, 3, 4)
    fresh = submitted(staff, other)  # due 2026-03-09
    clock["today"] = date(2026, 3, 9)  # Monday: 2 working days past the 5th
    services.alerts_recompute()
    assert Application.objects.get(pk=late.pk).alert == "red"
    assert Application.objects.get(pk=fresh.pk).alert == "yellow"

    client.force_login(staff["supervisor"])
    page = client.get(reverse("applications:overdue"))
    assert page.status_code == 200
    content = page.content.decode()
    red = content.split('data-testid="red"')[1].split("</table>")[0]
    yellow = content.split('data-testid="yellow"')[1].split("</table>")[0]
    assert late.number in red and fresh.number not in red
    assert fresh.number in yellow
    assert re.search(r'data-testid="days">2<', red)
    assert "第1镇人民政府" in red

    for who in ("window", "reviewer", "investigator"):
        client.force_login(staff[who])
        assert client.get(reverse("applications:overdue")).status_code == 403


# --- public notice --------------------------------------------------------------------------

def test_mask_name():
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明月") == "欧**月"
    assert mask_name("王") == "王"


def test_the_public_notice_shows_masked_names_and_nothing_personal(
        client, staff, poor_household, django_assert_max_num_queries):
    case = advance(staff, submitted(staff, poor_household), "publish_notice")
    assert case.state == "notice" and case.notice_published_on == date(2026, 3, 2)
    url = reverse("notice:township", args=["990102001"])
    page = client.get(url)  # no login
    assert page.status_code == 200
    content = page.content.decode()
    head = poor_household.members.get(relation="head")
    assert mask_name(head.name) in content and head.name not in content
    for member in poor_household.members.all():
        assert member.id_number not in content
    assert poor_household.address not in content
    assert f"{case.engine_amount:.2f}" in content
    assert "2026年3月2日" in content and "2026年3月9日" in content
    assert "12345" in content
    assert "elder-mode" in client.get(url, {"large": "1"}).content.decode()
    assert client.get(reverse("notice:township", args=["990102002"])).content.decode().count(
        'data-testid="masked-name"') == 0
    assert client.get(reverse("notice:township", args=["000000"])).status_code == 404

    # constant queries, however many households are on the board
    for name in ("李小龙", "王大锤"):
        household = household_register(actor=staff["window"], data=household_dict(
            members=[member_dict(name=name, occupation="unemployed", health="serious_illness"),
                     member_dict(member_id="M2", name="配偶", relation="spouse",
                                 health="severe_disability", occupation="none")]))
        advance(staff, submitted(staff, household), "publish_notice")
    with django_assert_max_num_queries(3):
        content = client.get(url).content.decode()
    assert "李*龙" in content and "王*锤" in content


# --- a second application for an item already open or received -----------------------------

def test_the_one_window_refuses_a_second_dibao_application_with_the_reason(
        client, staff, poor_household):
    """The window (jiuzhu/intake) starts MZ01 through application_create: a family whose
    dibao is already open — or paid — is refused with 409 and the case named on the form."""
    from jiuzhu.intake.models import Request

    first = submitted(staff, poor_household)
    client.force_login(staff["window"])
    data = {"household": poor_household.pk, "items": ["MZ01"], "channel": "window",
            "applicant_name": "张三"}
    for state in ("submitted", "in_payment"):
        Application.objects.filter(pk=first.pk).update(state=state)
        for material in MATERIALS:
            data[f"f_MZ01_{material}"] = SimpleUploadedFile(f"{material}.pdf", PDF)
        response = client.post(reverse("intake:create"), data)
        assert response.status_code == 409
        page = response.content.decode()
        assert first.number in page and "不能重复申请" in page
        assert not Request.objects.exists()
        assert Application.objects.count() == 1
    # the case page's own form says the same
    response = client.post(reverse("applications:create") + f"?household={poor_household.pk}",
                           {"household": poor_household.pk, "item_code": "MZ01",
                            "channel": "window"})
    assert response.status_code == 409 and first.number in response.content.decode()


def test_the_investigation_page_shows_the_phone_masked_and_dials_it(client, staff,
                                                                    poor_household):
    """The investigator (who may reveal personal data) dials the real number; the text on
    the page is masked."""
    poor_household.phone = "13712345678"
    poor_household.save()
    case = advance(staff, submitted(staff, poor_household), "assign_investigation")
    client.force_login(staff["investigator"])
    for url in (reverse("applications:investigate", args=[case.pk]),):
        page = client.get(url).content.decode()
        assert 'href="tel:13712345678"' in page, url
        assert page.replace('href="tel:13712345678"', "").count("13712345678") == 0, url
