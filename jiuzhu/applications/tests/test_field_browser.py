"""移动调查 offline, in headless Chromium on a 390×844 phone: the investigator opens the
page, the network goes off, the survey, signatures and a photo are filled in and
submitted — queued on the phone, visible — the page reloads offline from the service
worker, and back online the investigation is sent and arrives once (a second send of
the same item is answered with the first result)."""

from __future__ import annotations

import re

import pytest

from jiuzhu.applications import services
from jiuzhu.applications.models import Application, ApplicationStep
from jiuzhu.testing import SCREENSHOTS, browser_login

from .conftest import PNG
from .test_browser import sign
from .test_views import advance, submitted

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_investigation_done_offline_arrives_once(browser, live_server, staff, poor_household,
                                                    tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    case = services.application_act(
        actor=staff["reviewer"], application_id=advance(staff, submitted(staff, poor_household), "accept").pk,
        action="assign_investigation",
        data={"investigator_ids": [staff["investigator"].pk, staff["assistant"].pk]})
    (tmp_path / "photo.png").write_bytes(PNG)
    first = poor_household.members.order_by("position").first()

    phone = browser_login(browser, live_server.url, staff["investigator"], viewport=PHONE,
                          geolocation={"latitude": 30.1, "longitude": 104.2},
                          permissions=["geolocation"], has_touch=True, is_mobile=True)
    phone.goto(f"{live_server.url}/applications/investigations/")
    expect(phone.locator('[data-testid="navigate-geo"]').first).to_have_attribute(
        "href", re.compile(r"^geo:0,0\?q="))
    phone.locator('[data-testid="record"]').first.click()
    phone.wait_for_url(re.compile(r".*/investigate/$"))
    # the service worker has kept the page and its files
    expect(phone.locator("html")).to_have_attribute("data-offline-ready", "1")

    phone.context.set_offline(True)
    phone.reload()  # offline: from the service worker
    expect(phone.locator("#investigation-form")).to_be_visible()
    expect(phone.locator("[data-geo-status]")).to_contain_text("已定位", timeout=10000)
    wages = phone.locator(f'[name="survey__income__{first.member_id}__wages"]')
    wages.fill("6000")
    expect(phone.locator("[data-survey-summary]")).to_contain_text("与申报不一致 1 项")
    phone.set_input_files('[name="photos"]', str(tmp_path / "photo.png"))
    for who in ("investigator_1", "investigator_2", "applicant"):
        sign(phone, phone.locator(f'[data-signature="{who}"]'))
    phone.fill('[name="neighbour_name"]', "邻居甲")
    phone.fill('[name="neighbour_statement"]', "家中确有困难")
    sign(phone, phone.locator("[data-neighbour-sign]").first)
    phone.get_by_role("button", name="提交入户调查").click()

    queue = phone.locator("[data-field-queue]")
    expect(queue.locator("[data-queue-title]")).to_have_text("待上传 1 项")
    expect(queue.locator("[data-queue-state]")).to_have_text("等待网络")
    assert Application.objects.get(pk=case.pk).investigation_recorded is False
    phone.reload()  # still offline: the page and its queue come back
    expect(queue.locator("[data-queue-title]")).to_have_text("待上传 1 项")
    expect(phone.locator("[data-field-done]")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(SCREENSHOTS / "applications-investigate-offline-queue.png"), full_page=True)

    phone.context.set_offline(False)  # back online: sent by the 'online' event
    expect(queue.locator("[data-queue-state]")).to_have_text("已上传")
    expect(queue.locator("[data-queue-title]")).to_have_text("待上传 0 项")
    case.refresh_from_db()
    assert case.investigation_recorded
    assert float(case.investigation["differences"][0]["found"]) == 6000
    assert case.attachments.filter(kind="photo").count() == 1
    assert case.attachments.filter(kind="signature", material="neighbour_1").count() == 1

    # the same item sent again (an answer lost on the way): the first result, no second record
    phone.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open("jiuzhu-field", 1);
        open.onsuccess = () => {
          const store = open.result.transaction("queue", "readwrite").objectStore("queue");
          store.getAll().onsuccess = event => {
            const item = event.target.result[0];
            item.state = "waiting";
            store.put(item).onsuccess = () => resolve();
          };
        };
    })""")
    phone.reload()
    expect(queue.locator("[data-queue-state]")).to_have_text("已上传")
    assert ApplicationStep.objects.filter(application=case, action="record_investigation").count() == 1
    assert case.attachments.filter(kind="photo").count() == 1
    phone.locator("[data-queue-open]").click()
    phone.wait_for_url(re.compile(r".*/applications/\d+/$"))
    expect(phone.locator('[data-testid="survey-differences"]')).to_contain_text("调查核实 6,000.00 元/年")
