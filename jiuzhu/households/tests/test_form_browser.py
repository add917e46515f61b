"""The household form as a window worker fills it, in headless Chromium: birth date and sex
appear as the ID number is typed, amounts say 元/年 or 元/月, every error comes in one round
(the ID check digit with the rest), and a bad file is named while the good one is kept."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.models import Household
from jiuzhu.testing import SCREENSHOTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_form_shows_every_error_at_once_and_keeps_the_good_upload(
        browser, live_server, tree, window_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    head_id = id_number_make(area="990102", birth=date(1968, 3, 15), sequence=41)
    spouse_id = id_number_make(area="990102", birth=date(1971, 11, 2), sequence=42, female=True)
    wrong_spouse_id = spouse_id[:17] + ("0" if spouse_id[17] != "0" else "1")

    page = browser_login(browser, live_server.url, window_worker)
    page.goto(f"{live_server.url}/households/new/")
    page.fill('[name="household_id"]', "BR-FORM-1")
    page.select_option('[name="region"]', tree["village1"].code)
    page.select_option('[name="area_type"]', "rural")
    page.fill('[name="assessment_date"]', "2026-03-01")
    assert "（元/年）" in page.inner_text('label[for="id_members-0-wages"]')
    page.check('input[name="amount_period"][value="month"]')
    assert "（元/月）" in page.inner_text('label[for="id_members-0-wages"]')
    assert "（元/月）" in page.inner_text('label[for="id_medical"]')
    assert "（元/年）" not in page.inner_text('label[for="id_medical"]')

    # The head: name forgotten; the ID number typed key by key fills birth date and sex.
    page.locator('[name="members-0-id_number"]').press_sequentially(head_id, delay=5)
    assert page.input_value('[name="members-0-birth_date"]') == "1968-03-15"
    assert page.input_value('#members-0-sex') == "男"
    page.select_option('[name="members-0-relation"]', "head")
    page.select_option('[name="members-0-health"]', "healthy")
    page.select_option('[name="members-0-occupation"]', "farming")
    page.fill('[name="members-0-wages"]', "800")
    # The spouse: a wrong check digit.
    page.get_by_role("button", name="添加成员").click()
    page.fill('[name="members-1-name"]', "杨秀兰")
    page.fill('[name="members-1-id_number"]', wrong_spouse_id)
    assert page.input_value('#members-1-sex') == "女"
    page.select_option('[name="members-1-relation"]', "spouse")
    page.select_option('[name="members-1-health"]', "healthy")
    page.select_option('[name="members-1-occupation"]', "casual_work")
    page.fill('[name="medical"]', "100")
    page.set_input_files('[name="documents"]', [
        {"name": "户口簿.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "情况说明.docx", "mimeType": "application/msword", "buffer": b"PK\x03\x04"}])
    page.get_by_role("button", name="保存").click()

    # One round: the forgotten name, the check digit and the bad file, all at once.
    page.wait_for_selector('[data-testid="form-error"]')
    assert page.inner_text("#id_members-0-name_error") == "必填项"
    assert page.inner_text("#id_members-1-id_number_error") == "身份证号校验位错误"
    assert "情况说明.docx" in page.inner_text('[data-testid="file-error"]')
    kept = page.locator('[data-testid="kept-files"]')
    assert "户口簿.png" in kept.inner_text() and "情况说明" not in kept.inner_text()
    assert page.is_checked('input[name="amount_period"][value="month"]')
    assert page.input_value('[name="members-0-wages"]') == "800"
    page.screenshot(path=str(SCREENSHOTS / "household-form-errors-desktop.png"), full_page=True)

    page.fill('[name="members-0-name"]', "马建国")
    page.fill('[name="members-1-id_number"]', spouse_id)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/households/\d+/$"))
    household = Household.objects.get(household_id="BR-FORM-1")
    assert list(household.files.values_list("original_name", flat=True)) == ["户口簿.png"]
    assert household.members.get(name="马建国").wages == Decimal("9600.00")
    assert household.medical == Decimal("1200.00")
    assert "户口簿.png" in page.inner_text('[data-testid="files"]')

    phone = browser_login(browser, live_server.url, window_worker,
                          viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/households/new/")
    phone.select_option('[name="region"]', tree["village1"].code)
    phone.locator('[name="members-0-id_number"]').press_sequentially(wrong_spouse_id, delay=5)
    assert phone.input_value('#members-0-sex') == "女"
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_selector('[data-testid="form-error"]')
    assert phone.inner_text("#id_members-0-id_number_error") == "身份证号校验位错误"
    assert phone.inner_text("#id_members-0-name_error") == "必填项"
    phone.screenshot(path=str(SCREENSHOTS / "household-form-errors-phone.png"), full_page=True)
