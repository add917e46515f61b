"""In a browser: a resident files an online request on a phone with two members, 800 元/月
income and a scan; window1 takes it at the desk; the registry shows the members and
9600.00 元/年; the scan opens; the application's own code works on the progress page."""

from __future__ import annotations

import re

import pytest

from jiuzhu.testing import SCREENSHOTS

from .conftest import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def step_count(page) -> str:
    return page.locator('[data-testid="step-count"]').inner_text().strip()


def test_an_online_request_reaches_the_registry_whole(browser, live_server, tree, person,
                                                      window_worker, password):
    from jiuzhu.intake.models import Request

    base = live_server.url
    phone = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()

    # Step 1 of 5 — the first page says five steps, as the step bar shows.
    page.goto(f"{base}/self/")
    assert page.locator('[data-testid="steps"] li').count() == 5
    assert step_count(page) == "第 1 步，共 5 步" and "分 5 步填写" in page.content()
    page.fill('[name="name"]', person["name"])
    page.fill('[name="id_number"]', person["id_number"])
    page.fill('[name="phone"]', person["phone"])
    page.check('[name="consent"]')
    page.get_by_role("button", name="下一步").click()

    # Step 2: the village list holds only the chosen township's villages.
    page.wait_for_url("**/self/apply/household/")
    assert step_count(page) == "第 2 步，共 5 步"
    village_list = page.locator('select[name="village"] option')
    assert "第2村" in village_list.all_inner_texts()
    page.select_option('[name="township"]', tree["town1"].code)
    assert [t.strip() for t in village_list.all_inner_texts()][1:] == ["第1村"]
    page.select_option('[name="village"]', tree["village1"].code)
    page.fill('[name="address"]', "第1村3组18号")
    page.get_by_role("button", name="再添加一位成员").click()
    page.fill('[name="m1-name"]', "刘大山")
    page.fill('[name="m1-id_number"]', person["spouse"])
    page.select_option('[name="m1-relation"]', "spouse")
    page.select_option('[name="m1-occupation"]', "casual_work")
    page.fill('[name="m1-monthly_income"]', "800")
    page.select_option('[name="m1-income_source"]', "wages")
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "carried_household_phone.png"), full_page=True)
    page.get_by_role("button", name="下一步").click()

    # Step 3: each item in a resident's words, no coefficients.
    page.wait_for_url("**/self/apply/items/")
    assert step_count(page) == "第 3 步，共 5 步"
    mz = page.locator('[data-department="MZ"]')
    assert "全家人的收入平均到每人每月" in mz.inner_text()
    assert "劳动力系数" not in page.content() and "一票否决" not in page.content()
    page.get_by_label("临时救助", exact=True).check()
    page.screenshot(path=str(SCREENSHOTS / "carried_items_phone.png"), full_page=True)
    page.get_by_role("button", name="下一步").click()

    # Step 4: a photo of the ID card.
    page.wait_for_url("**/self/apply/uploads/")
    assert step_count(page) == "第 4 步，共 5 步"
    labels = page.locator("label.form-label").all_inner_texts()
    index = labels.index("身份证")
    page.set_input_files(f"#file-{index}", files=[{"name": "身份证.png", "mimeType": "image/png",
                                                   "buffer": PNG}])
    page.get_by_role("button", name="下一步").click()

    # Step 5: the review shows the income per month, then submit.
    page.wait_for_url("**/self/apply/review/")
    assert step_count(page) == "第 5 步，共 5 步"
    members = page.locator('[data-testid="review-member"]').all_inner_texts()
    assert len(members) == 2 and "每月收入 800.00 元" in members[1]
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/self/apply/done/")
    code = page.locator('[data-testid="query-code"]').inner_text().strip()
    request = Request.objects.get(query_code=code)

    # The window: names, members, yearly income, the scan opens.
    desk_context = browser.new_context(locale="zh-CN", viewport=DESK)
    desk = desk_context.new_page()
    desk.goto(f"{base}/accounts/login/")
    desk.fill('[name="username"]', window_worker.username)
    desk.fill('[name="password"]', password)
    desk.click('button[type="submit"]')
    desk.wait_for_url(re.compile(r".*/$"))
    desk.goto(f"{base}/intake/")
    row = desk.locator('[data-testid="queue-row"]', has_text=request.number)
    assert "临时救助" in row.inner_text() and "MZ04" not in row.inner_text()
    desk.goto(f"{base}/intake/{request.pk}/")
    summary = desk.locator('[data-testid="online-summary"]').inner_text()
    assert "临时救助" in summary and "第1镇 第1村" in summary
    assert tree["village1"].code not in desk.content()
    member_rows = desk.locator('[data-testid="online-member"]')
    assert member_rows.count() == 2
    assert "刘大山" in member_rows.nth(1).inner_text() and "9600.00" in member_rows.nth(1).inner_text()
    desk.screenshot(path=str(SCREENSHOTS / "carried_window_desk.png"), full_page=True)
    with desk_context.expect_page() as opened:
        desk.locator('[data-testid="scans"] a', has_text="身份证").click()
    scan = opened.value
    scan.wait_for_load_state()
    assert scan.evaluate("document.contentType") == "image/png"
    scan.close()

    desk.get_by_role("button", name="受理并转办").click()
    desk.wait_for_url(re.compile(r".*/intake/\d+/(receipt/)?$"))
    request.refresh_from_db()
    assert request.status == "open" and request.household_id
    desk.goto(f"{base}/households/{request.household_id}/")
    assert "刘大山" in desk.content() and "9600.00" in desk.content()
    desk.screenshot(path=str(SCREENSHOTS / "carried_registry_desk.png"), full_page=True)
    application = request.items.get(item_code="MZ04").application
    assert application is not None and application.query_code != code
    assert "身份证" in request.items.get(item_code="MZ04").materials
    # The handbook's resident view: what the worker shows a resident across the desk.
    desk.goto(f"{base}/catalogue/handbook/?view=resident")
    assert desk.locator('[data-testid="resident-text"]').count() == 39
    assert "劳动力系数" not in desk.content()
    desk.screenshot(path=str(SCREENSHOTS / "carried_handbook_resident_desk.png"))
    desk_context.close()

    # The resident follows it with the application's own code too.
    page.goto(f"{base}/self/track/")
    page.fill('[name="code"]', application.query_code)
    page.fill('[name="last4"]', person["id_number"][-4:])
    page.get_by_role("button", name="查询").click()
    progress = page.locator('[data-testid="progress"]')
    assert "临时救助" in progress.inner_text() and code in progress.inner_text()
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "carried_track_phone.png"), full_page=True)

    # The same pages at a desk width look as a worker sees them.
    wide = browser.new_context(locale="zh-CN", viewport=DESK).new_page()
    wide.goto(f"{base}/self/")
    wide.screenshot(path=str(SCREENSHOTS / "carried_identity_desk.png"), full_page=True)
    phone.close()
