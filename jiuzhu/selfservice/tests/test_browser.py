"""A resident on a phone applies online and follows the progress; the window sees it."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from jiuzhu.testing import SCREENSHOTS

from .conftest import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_resident_applies_on_a_phone_and_follows_it(browser, live_server, tree, person,
                                                       window_worker, password):
    from jiuzhu.intake.models import Request

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    base = live_server.url

    # Step 1: a wrong check digit is named, then corrected.
    page.goto(f"{base}/self/")
    assert no_sideways_scroll(page)
    page.fill('[name="name"]', person["name"])
    page.fill('[name="id_number"]', person["id_number"][:17] + (
        "0" if person["id_number"][17] != "0" else "1"))
    page.fill('[name="phone"]', person["phone"])
    page.check('[name="consent"]')
    page.get_by_role("button", name="下一步").click()
    error = page.locator('[data-field="id_number"]')
    assert "身份证号码" in error.inner_text()
    assert page.input_value('[name="name"]') == person["name"]
    button = page.get_by_role("button", name="下一步").bounding_box()
    assert button is not None and button["height"] >= 44
    page.fill('[name="id_number"]', person["id_number"])
    page.get_by_role("button", name="下一步").click()

    # Step 2: the applicant is already the first member; add the spouse.
    page.wait_for_url("**/self/apply/household/")
    page.select_option('[name="township"]', tree["town1"].code)
    # The village list narrows to the township's villages.
    assert page.locator(f'select[name="village"] optgroup[data-township="{tree["town2"].code}"]'
                        ).count() == 0
    page.select_option('[name="village"]', tree["village1"].code)
    page.fill('[name="address"]', "第1村3组18号")
    assert page.input_value('[name="m0-id_number"]') == person["id_number"]
    page.get_by_role("button", name="再添加一位成员").click()
    page.fill('[name="m1-name"]', "刘大山")
    page.fill('[name="m1-id_number"]', person["spouse"])
    page.select_option('[name="m1-relation"]', "spouse")
    page.reload()  # nothing typed before the row was added is lost
    assert page.input_value('[name="address"]') == "第1村3组18号"
    page.fill('[name="m1-name"]', "刘大山")
    page.fill('[name="m1-id_number"]', person["spouse"])
    page.select_option('[name="m1-relation"]', "spouse")
    page.screenshot(path=str(SCREENSHOTS / "selfservice_household.png"), full_page=True)
    page.get_by_role("button", name="下一步").click()

    # Step 3: two items of two departments.
    page.wait_for_url("**/self/apply/items/")
    assert no_sideways_scroll(page)
    # Departments fold away on a phone; open the two needed.
    assert not page.get_by_label("红十字人道救助").is_visible()
    page.locator('[data-department="JY"] > summary').click()
    page.get_by_label("义务教育家庭经济困难学生生活补助").check()
    page.locator('[data-department="HS"] > summary').click()
    page.get_by_label("红十字人道救助").check()
    page.get_by_role("button", name="下一步").click()

    # Step 4: a photo of the ID card; a text file is refused by its content.
    page.wait_for_url("**/self/apply/uploads/")
    labels = page.locator("label.form-label").all_inner_texts()
    assert labels == ["学籍证明", "家庭困难证明", "身份证", "困难情况说明"]
    page.set_input_files("#file-2", files=[{"name": "sfz.png", "mimeType": "image/png",
                                            "buffer": PNG}])
    page.set_input_files("#file-3", files=[{"name": "note.jpg", "mimeType": "image/jpeg",
                                            "buffer": b"just text"}])
    page.get_by_role("button", name="下一步").click()
    page.screenshot(path=str(SCREENSHOTS / "selfservice_uploads.png"), full_page=True)
    assert "“困难情况说明”只能上传" in page.locator('[data-field="file-3"]').inner_text()
    assert "sfz.png" in page.locator('[data-testid="uploaded"]').inner_text()
    page.get_by_role("button", name="下一步").click()

    # Review and submit: the query code in large print.
    page.wait_for_url("**/self/apply/review/")
    assert "红十字人道救助" in page.locator('[data-testid="chosen-items"]').inner_text()
    # Both adults sign the verification authorisation with a finger (#16 item 2).
    pads = page.locator("canvas[data-signature-pad]")
    assert pads.count() == 2
    for index in range(2):
        pads.nth(index).scroll_into_view_if_needed()
        box = pads.nth(index).bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 20, box["y"] + 20)
        page.mouse.down()
        for step in range(1, 6):
            page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 20 + (step % 2) * 40)
        page.mouse.up()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/self/apply/done/")
    code = page.locator('[data-testid="query-code"]').inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{8}", code)
    size = page.locator('[data-testid="query-code"]').evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 32
    lines = page.locator('[data-testid="query-code"]').evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return r.getClientRects().length; }")
    assert lines == 1  # the code is not broken over two lines
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "selfservice_done.png"), full_page=True)
    request = Request.objects.get(query_code=code)
    assert request.status == "awaiting_window" and request.channel == "online"
    assert request.files.count() == 1
    from jiuzhu.verification.models import Authorisation  # the two signatures wait with it
    assert Authorisation.objects.get(intake_number=request.number).signatures.count() == 2

    # Follow the progress: the code is carried over, the last 4 digits are asked.
    page.get_by_role("link", name="用查询码查看进度").click()
    page.wait_for_url(f"**?code={code}")
    assert page.input_value('[name="code"]') == code
    page.fill('[name="last4"]', person["id_number"][-4:])
    page.get_by_role("button", name="查询").click()
    progress = page.locator('[data-testid="progress"]')
    assert progress.locator('[data-testid="progress-item"]').count() == 2
    assert "王*英" in progress.inner_text() and "待窗口受理" in progress.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "selfservice_track.png"), full_page=True)
    phone.close()

    # The window worker finds it in the window queue.
    try:
        queue = reverse("intake:queue")
    except NoReverseMatch:
        pytest.fail("intake:queue is not there yet")
    desk = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
    desk.goto(f"{base}/accounts/login/")
    desk.fill('[name="username"]', window_worker.username)
    desk.fill('[name="password"]', password)
    desk.click('button[type="submit"]')
    desk.wait_for_url(re.compile(r".*/$"))
    desk.goto(f"{base}{queue}")
    assert request.number in desk.content()
    desk.close()
