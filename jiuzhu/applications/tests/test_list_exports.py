"""Every working list exports to Excel with its filter, as names (not codes), audited; a
name that looks like a formula stays text; the pager jumps to a page."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.applications import services
from jiuzhu.applications.choices import State
from jiuzhu.audit.models import AuditEvent
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict

from .conftest import MATERIALS, PDF, completed_verification

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def formula_household(staff):
    return household_register(actor=staff["window"], data=household_dict(members=[
        member_dict(name='=HYPERLINK("http://evil.example","点我")', occupation="unemployed",
                    income={"wages": 1200})]))


def test_the_applications_list_exports_its_filter_as_names(client, staff, formula_household,
                                                            poor_household):
    case = services.application_create(actor=staff["window"], household=formula_household,
                                       item_code="MZ01", channel="window",
                                       files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    client.force_login(staff["window"])
    page = client.get(reverse("applications:list"))
    assert 'data-testid="export-xlsx"' in page.content.decode()
    before = AuditEvent.objects.filter(action="export").count()
    rows = rows_of(client.get(reverse("applications:list"), {"export": "xlsx", "state": "submitted"}))
    assert rows[0][:3] == ["申请编号", "事项", "户主"]
    (row,) = [r for r in rows[1:] if r[0] == case.number]
    assert row[1] == "城乡最低生活保障"   # the item's name, not MZ01
    assert row[2] == '=HYPERLINK("http://evil.example","点我")'  # text, not a live formula
    assert row[5] == str(State.SUBMITTED.label)
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    # The filter holds: no approved case in a "submitted" export.
    assert all(r[5] == rows[1][5] for r in rows[1:])

    client.force_login(staff["other_window"])
    other = rows_of(client.get(reverse("applications:list"), {"export": "xlsx"}))
    assert [r for r in other[1:] if r[0] == case.number] == []


def test_the_window_queue_and_verification_requests_export(client, staff, poor_household):
    from jiuzhu.intake.services import request_create

    intake = request_create(actor=staff["window"], household=poor_household, items=["JY05"],
                            channel="window")
    client.force_login(staff["window"])
    rows = rows_of(client.get(reverse("intake:queue"), {"export": "xlsx"}))
    assert rows[0][0] == "受理编号"
    (row,) = [r for r in rows[1:] if r[0] == intake.number]
    assert "JY05" not in row[4] and row[4]  # the item by name
    assert row[5] and not row[5].isdigit()   # the region by name

    completed_verification(poor_household, staff["verifier"])
    client.force_login(staff["verifier"])
    rows = rows_of(client.get(reverse("verification:list"), {"export": "xlsx"}))
    assert rows[0][:3] == ["编号", "家庭编号", "户主"]
    assert any(r[1] == poor_household.household_id for r in rows[1:])


def test_the_pager_jumps_to_a_page_and_keeps_the_filter(client, staff):
    for _ in range(3):
        household = household_register(actor=staff["window"], data=household_dict())
        services.application_create(actor=staff["window"], household=household, item_code="MZ01",
                                    channel="window", files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    client.force_login(staff["window"])
    from jiuzhu.applications import views

    original = views.PAGE_SIZE
    views.PAGE_SIZE = 1
    try:
        html = client.get(reverse("applications:list"), {"state": "submitted", "page": 2}).content.decode()
    finally:
        views.PAGE_SIZE = original
    assert 'name="page"' in html and 'id="jz-page-jump"' in html
    assert '<input type="hidden" name="state" value="submitted">' in html
    assert "第 2 / 3 页" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_each_list_exports_by_its_button_and_is_cards_on_a_phone(
        browser, live_server, staff, poor_household):
    """The window worker's and the verification officer's lists: the 导出 Excel button gives
    the workbook; on a 390×844 phone the applications list is cards, nothing overflows."""
    from jiuzhu.intake.services import request_create
    from jiuzhu.testing import browser_login

    request_create(actor=staff["window"], household=poor_household, items=["JY05"], channel="window")
    services.application_create(actor=staff["window"], household=poor_household, item_code="MZ01",
                                channel="window", files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    completed_verification(poor_household, staff["verifier"])

    def export(page, path: str) -> list[list]:
        page.goto(live_server.url + path)
        with page.expect_download() as download:
            page.get_by_test_id("export-xlsx").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
        return [[c.value for c in row] for row in sheet.iter_rows()]

    window = browser_login(browser, live_server.url, staff["window"])
    applications = export(window, "/applications/")
    assert applications[0][0] == "申请编号" and len(applications) == 2
    assert applications[1][1] == "城乡最低生活保障"
    queue = export(window, reverse("intake:queue"))
    assert queue[0][0] == "受理编号" and len(queue) >= 2
    window.context.close()

    verifier = browser_login(browser, live_server.url, staff["verifier"])
    requests = export(verifier, "/verification/")
    assert requests[0][1] == "家庭编号" and requests[1][1] == poor_household.household_id
    verifier.context.close()

    phone = browser_login(browser, live_server.url, staff["window"],
                          viewport={"width": 390, "height": 844})
    phone.goto(live_server.url + "/applications/")
    table = phone.get_by_test_id("applications")
    assert "jz-cards" in (table.get_attribute("class") or "")
    assert table.locator("thead").is_hidden()
    assert table.locator("td[data-label='状态']").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.context.close()
