"""The emergency pages (急难救助): reporting on a phone, the case page with the buttons each
role gets, the duty list, all cases, the overdue cases and the home page's block."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiuzhu.core.access import SYSTEM
from jiuzhu.emergency import services
from jiuzhu.emergency.models import EmergencyCase
from jiuzhu.funds import services as fund_services
from jiuzhu.funds.choices import FundKind
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.leads.models import GridAssignment
from jiuzhu.testing import UserFactory, household_dict, member_dict

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
SIGN = "data:image/png;base64," + base64.b64encode(PNG).decode()
DAY = date(2026, 3, 2)


@pytest.fixture
def staff(tree):
    town, county = tree["town1"], tree["county"]
    grid = UserFactory(username="grid1", role="grid_worker", region=tree["grid1"], full_name="孙强")
    GridAssignment.objects.create(grid=tree["grid1"], worker=grid, region_path=tree["grid1"].path)
    return {
        "grid": grid,
        "window": UserFactory(username="w1", role="window_worker", region=town, full_name="王芳"),
        "reviewer": UserFactory(username="r1", role="township_reviewer", region=town,
                                full_name="郑伟"),
        "assistant": UserFactory(username="a1", role="village_assistant", region=tree["village1"]),
        "approver": UserFactory(username="p1", role="county_approver", region=county),
        "supervisor": UserFactory(username="s1", role="supervisor", region=county),
        "officer": UserFactory(username="d1", role="department_officer", region=county,
                               department="JY"),
        "other_window": UserFactory(username="w2", role="window_worker", region=tree["town2"]),
        "other_reviewer": UserFactory(username="r2", role="township_reviewer",
                                      region=tree["town2"]),
    }


@pytest.fixture
def family(tree, staff):
    """陈大山's family of two in 第1村 第1网格 (the grid worker's)."""
    return household_register(actor=SYSTEM, grid_code=tree["grid1"].code, data=household_dict(
        members=[member_dict(name="陈大山"),
                 member_dict(member_id="M2", name="李秀英", relation="spouse",
                             birth=date(1972, 8, 9))],
        address="第1村3组8号", phone="13900000008"))


@pytest.fixture
def funds(tree):
    county = fund_services.fund_create(actor=SYSTEM, name="示范县救急难基金", region=tree["county"])
    reserve = fund_services.fund_create(actor=SYSTEM, name="第1镇备用金", region=tree["town1"],
                                        kind=FundKind.RESERVE, parent=county)
    fund_services.record_income(actor=SYSTEM, fund=county, amount_fen=10_000_000,
                                source="fiscal", on=DAY, voucher="CZ-1")
    fund_services.allocate(actor=SYSTEM, fund=county, reserve=reserve, amount_fen=5_000_000,
                           on=DAY, voucher="HB-1")
    return {"county": county, "reserve": reserve}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def opened(staff, household, *, checklist=("E01",), cause="homeless", now=None,
           actor="grid") -> EmergencyCase:
    return services.open_case(actor=staff[actor], household=household, source="grid_worker",
                              cause=cause, occurred_on=timezone.localtime(now or timezone.now()).date(),
                              narrative="房屋倒塌，今晚无处居住", checklist=list(checklist),
                              sudden_expense_fen=0, now=now)


def login(client, user):
    client.force_login(user)
    return client


# --- 报告急难 -------------------------------------------------------------------------------

def test_a_grid_worker_finds_the_family_and_reports_a_red_emergency(client, staff, family):
    login(client, staff["grid"])
    page = client.get("/emergency/new/?q=陈大山").content.decode()
    assert 'data-testid="household-result"' in page and "第1村" in page
    page = client.get(f"/emergency/new/?household={family.pk}").content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    # E07 and E09 are shown as computed, never as boxes to tick
    assert 'value="E01"' in page and 'value="E07"' not in page and 'value="E09"' not in page
    assert "必要项" in page and "自动计算" in page
    response = client.post("/emergency/new/", {
        "household": family.pk, "source": "grid_worker", "cause": "homeless",
        "occurred_on": timezone.localdate().isoformat(), "narrative": "房屋倒塌，今晚无处居住",
        "checklist": ["E01"], "sudden_expense": "",
        "photos": [SimpleUploadedFile("scene.png", PNG, content_type="image/png")]})
    case = EmergencyCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/emergency/{case.pk}/"
    assert case.level == "red" and case.photos.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert 'data-level="red"' in page and "红色" in page
    assert case.explanation in page and "E01" in page
    assert timezone.localtime(case.respond_by).strftime("%Y-%m-%d %H:%M") in page
    assert client.get(f"/emergency/photos/{case.photos.get().pk}/").status_code == 200


def test_a_refused_report_names_the_fields_and_keeps_what_was_typed(client, staff, family):
    login(client, staff["grid"])
    response = client.post("/emergency/new/", {
        "household": family.pk, "source": "grid_worker", "cause": "", "occurred_on": "",
        "narrative": "邻居说他家断粮三天", "checklist": ["E02", "E08"], "sudden_expense": "abc"})
    assert response.status_code == 422
    page = response.content.decode()
    for field in ("cause", "occurred_on", "sudden_expense"):
        assert f'data-error="{field}"' in page, field
    assert "邻居说他家断粮三天" in page
    assert 'value="E02" id="id_check_E02" checked' in page
    assert 'value="E08" id="id_check_E08" checked' in page
    assert not EmergencyCase.objects.exists()


def test_a_family_not_on_the_register_is_registered_on_the_spot(client, tree, staff):
    login(client, staff["window"])
    page = client.get("/emergency/new/?new=1").content.decode()
    assert 'name="new_id_number"' in page and "第1村" in page
    id_number = id_number_make(area="990102", birth=date(1980, 1, 5), sequence=41)
    post = {"household": "", "new_name": "赵小河", "new_id_number": "11010119800105",
            "new_region_code": tree["village1"].code, "new_address": "第1村5组", "new_phone": "13900000005",
            "source": "window", "cause": "fire", "occurred_on": timezone.localdate().isoformat(),
            "narrative": "昨夜火灾，房屋烧毁", "checklist": ["E06", "E10"]}
    response = client.post("/emergency/new/", post)
    assert response.status_code == 422
    assert 'data-error="new_id_number"' in response.content.decode()
    assert "赵小河" in response.content.decode() and not Household.objects.exists()
    response = client.post("/emergency/new/", {**post, "new_id_number": id_number})
    case = EmergencyCase.objects.get()
    assert response.status_code == 302 and case.household.head_name == "赵小河"
    assert case.level == "blue" and case.score == 35  # E06 25 + E10 10


def test_only_the_reporting_roles_may_report(client, staff):
    for who, status in (("grid", 200), ("assistant", 200), ("window", 200), ("reviewer", 200),
                        ("supervisor", 403), ("officer", 403), ("approver", 403)):
        login(client, staff[who])
        assert client.get("/emergency/new/").status_code == status, who


# --- the case page ----------------------------------------------------------------------------

def _panels(page: str) -> tuple[set[str], set[str]]:
    import re

    return (set(re.findall(r'data-action="([a-z_]+)"', page)),
            set(re.findall(r'data-refused="([a-z_]+)"', page)))


def test_each_role_sees_the_buttons_of_its_steps(client, staff, family, funds):
    case = opened(staff, family)
    offered = {}
    for who in ("grid", "window", "reviewer", "approver", "supervisor"):
        login(client, staff[who])
        response = client.get(f"/emergency/{case.pk}/")
        assert response.status_code == 200, who
        offered[who] = _panels(response.content.decode())[0]
    assert offered["grid"] == {"reassess"}
    assert "approve_help" in offered["reviewer"] and "decide_no_help" in offered["reviewer"]
    assert "approve_help" not in offered["window"] and "refer" in offered["window"]
    assert offered["supervisor"] == set()
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert "陈大山" in page and "第1村" in page and "无处居住" in page
    assert 'data-testid="history"' in page


def test_another_townships_case_is_not_found(client, staff, family):
    case = opened(staff, family)
    for who in ("other_window", "other_reviewer", "officer"):
        login(client, staff[who])
        assert client.get(f"/emergency/{case.pk}/").status_code == 404, who
        assert client.post(f"/emergency/{case.pk}/actions/monitor/",
                           {"monitor-reason": "x"}).status_code == 404, who
    case.refresh_from_db()
    assert case.state == "open"


def test_first_help_is_approved_and_paid_against_a_signed_receipt(client, staff, family, funds):
    case = opened(staff, family)
    login(client, staff["reviewer"])
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert "乡镇审批限额" in page and "第1镇备用金" in page
    # an amount above the event cap is refused on its field, nothing changes
    response = client.post(f"/emergency/{case.pk}/actions/approve_help/", {
        "approve_help-amount": "999999", "approve_help-method": "cash",
        "approve_help-payee": "陈大山"})
    assert response.status_code == 422
    assert 'data-error="amount"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == "open"
    response = client.post(f"/emergency/{case.pk}/actions/approve_help/", {
        "approve_help-amount": "1500", "approve_help-method": "cash",
        "approve_help-payee": "陈大山"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "approved"
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert "1,500.00" in page and "第1镇备用金" in page and 'data-action="pay"' in page
    # the window worker pays: without a signature the receipt is refused
    login(client, staff["window"])
    response = client.post(f"/emergency/{case.pk}/actions/pay/", {
        "pay-voucher": "XJ-001", "pay-payee_confirmed": "on", "pay-signature": ""})
    assert response.status_code == 422
    assert 'data-error="signature"' in response.content.decode()
    response = client.post(f"/emergency/{case.pk}/actions/pay/", {
        "pay-voucher": "XJ-001", "pay-payee_confirmed": "on", "pay-signature": SIGN})
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == "helped" and case.responded_at is not None
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert 'data-testid="receipt-signature"' in page
    help_row = case.helps.get()
    assert client.get(f"/emergency/signatures/{help_row.pk}/").status_code == 200
    if case.application_id:
        assert f"/applications/{case.application_id}/" in page
    login(client, staff["other_window"])
    assert client.get(f"/emergency/signatures/{help_row.pk}/").status_code == 404


def test_a_refusal_without_a_field_is_shown_above_the_page(client, staff, family, funds):
    case = opened(staff, family)
    login(client, staff["reviewer"])
    response = client.post(f"/emergency/{case.pk}/actions/decide_no_help/",
                           {"decide_no_help-reason": ""})
    assert response.status_code == 422
    assert 'data-error="reason"' in response.content.decode()
    response = client.post(f"/emergency/{case.pk}/actions/close/", {"close-note": "x"})
    assert response.status_code == 409
    assert 'data-testid="action-error"' in response.content.decode()


# --- lists ------------------------------------------------------------------------------------

def test_the_duty_list_puts_red_first_then_the_deadline(client, staff, family, tree):
    other = household_register(actor=SYSTEM, data=household_dict(
        members=[member_dict(name="刘一")]))
    blue = opened(staff, other, checklist=("E06", "E10"), cause="fire", actor="window")
    red = opened(staff, family)
    login(client, staff["reviewer"])
    page = client.get("/emergency/duty/").content.decode()
    assert page.index(f'data-case="{red.pk}"') < page.index(f'data-case="{blue.pk}"')
    assert 'hx-trigger="every 60s"' in page and 'data-count="red"' in page
    assert "刘一" in page and "陈大山" in page and "剩 " in page
    rows = client.get("/emergency/duty/?rows=1").content.decode()
    assert "<html" not in rows and "陈大山" in rows
    login(client, staff["other_reviewer"])
    assert "陈大山" not in client.get("/emergency/duty/").content.decode()
    login(client, staff["grid"])
    assert client.get("/emergency/duty/").status_code == 403


def test_all_cases_filter_and_export(client, staff, family):
    opened(staff, family)
    login(client, staff["window"])
    page = client.get("/emergency/?level=red").content.decode()
    assert "陈大山" in page and 'data-testid="export-xlsx"' in page
    assert "陈大山" not in client.get("/emergency/?level=green").content.decode()
    response = client.get("/emergency/?level=red&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_overdue_cases_are_listed_in_red_and_on_the_supervisors_home(client, staff, family):
    late = opened(staff, family, now=timezone.now() - timedelta(hours=30))
    login(client, staff["supervisor"])
    page = client.get("/emergency/overdue/").content.decode()
    assert f'data-case="{late.pk}"' in page and "未按时响应" in page and "已超时" in page
    home = client.get("/").content.decode()
    assert 'data-testid="emergency-overdue"' in home and "陈大山" in home
    assert 'data-emergency-count="red"' in home
    login(client, staff["reviewer"])
    home = client.get("/").content.decode()
    assert 'data-testid="emergency"' in home and 'href="/emergency/duty/"' in home
    login(client, staff["officer"])
    assert 'data-testid="emergency"' not in client.get("/").content.decode()


def test_a_blue_case_offers_no_first_help_and_says_why(client, staff, family, funds):
    case = opened(staff, family, checklist=("E06", "E10"), cause="fire")
    login(client, staff["reviewer"])
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    actions, refused = _panels(page)
    assert "approve_help" in refused and "approve_help" not in actions
    assert "蓝色、绿色个案不先行救助" in page and "open_procedure" in actions
    # the procedure opened from the page: MZ04, the case follows its file
    response = client.post(f"/emergency/{case.pk}/actions/open_procedure/",
                           {"open_procedure-item_code": "MZ04"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "in_procedure" and case.application.item_code == "MZ04"
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert f"/applications/{case.application_id}/" in page and "已转常规程序" in page


def test_referrals_to_an_organisation_and_a_department_are_tracked(client, staff, family):
    from jiuzhu.catalogue.models import Department

    case = opened(staff, family, checklist=("E08",), cause="other")
    login(client, staff["window"])
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    department = Department.objects.order_by("code").first()
    assert department.name in page  # departments offered by name
    response = client.post(f"/emergency/{case.pk}/actions/refer/", {
        "refer-target": "organisation", "refer-organisation": "", "refer-note": "上门照护"})
    assert response.status_code == 422 and 'data-error="organisation"' in response.content.decode()
    response = client.post(f"/emergency/{case.pk}/actions/refer/", {
        "refer-target": "organisation", "refer-organisation": "阳光社工站", "refer-note": "上门照护"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "referred"
    referral = case.referrals.get()
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert "阳光社工站" in page and 'data-outcome="pending"' in page and "办理中" in page
    response = client.post(f"/emergency/{case.pk}/actions/record_referral/", {
        "record_referral-referral_id": str(referral.pk), "record_referral-outcome": "done",
        "record_referral-note": "已安排每周两次上门"})
    assert response.status_code == 302
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert 'data-outcome="done"' in page and "已安排每周两次上门" in page
    # a department: through the one window's transfer, shown by the department's name
    response = client.post(f"/emergency/{case.pk}/actions/refer/", {
        "refer-target": "department", "refer-department": department.code,
        "refer-note": "需要该部门协助"})
    assert response.status_code == 302
    row = case.referrals.get(target="department")
    assert row.request_item is not None
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert f"部门：{department.name}" in page


def test_help_above_the_township_limit_waits_for_the_county(client, staff, family, funds):
    case = opened(staff, family)
    login(client, staff["reviewer"])
    response = client.post(f"/emergency/{case.pk}/actions/approve_help/", {
        "approve_help-amount": "5000", "approve_help-method": "bank",
        "approve_help-payee": "陈大山"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "awaiting_county"
    assert "county_approve" not in _panels(client.get(f"/emergency/{case.pk}/").content.decode())[0]
    login(client, staff["approver"])
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    assert "county_approve" in _panels(page)[0] and "待县级审批" in page
    response = client.post(f"/emergency/{case.pk}/actions/county_approve/", {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "approved"


def test_a_reassessment_to_a_higher_level_shows_in_the_history(client, staff, family):
    case = opened(staff, family, checklist=("E10",), cause="illness")
    assert case.level == "green"
    login(client, staff["grid"])
    response = client.post(f"/emergency/{case.pk}/actions/reassess/", {
        "reassess-checklist": ["E03", "E10"], "reassess-sudden_expense": "0",
        "reassess-reason": "病情恶化，需立即手术"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.level == "red"
    page = client.get(f"/emergency/{case.pk}/").content.decode()
    history = page[page.index('data-testid="history"'):]
    assert history.count("data-level=") == 2 and "病情恶化，需立即手术" in history
