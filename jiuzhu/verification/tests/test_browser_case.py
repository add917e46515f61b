"""Verification follows the case, in headless Chromium (Playwright): the window accepts a
dibao case and the verification request is made with the application's authorisation; the
county verification officer finds it in the list, imports the missing department's file
(a bad row refused by row and column, then a good file previewed and applied), and the
completed report shows on the case. Screenshots at desktop and phone size."""

from __future__ import annotations

import re

import pytest

from jiuzhu.applications.models import Application
from jiuzhu.applications.services import application_create
from jiuzhu.testing import SCREENSHOTS, UserFactory, browser_login
from jiuzhu.verification.models import SourceImport, VerificationRequest

from .conftest import PDF, id_of, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SLOW_MS = 180_000
MATERIALS = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]
VEHICLES = ["身份证号", "姓名", "号牌号码", "车辆类型", "评估价值（元）"]


def _department_files(exports, household) -> None:
    """Every department's file but the vehicle registry's, agreeing with the declaration."""
    m1, m2 = household.members.get(member_id="M1"), household.members.get(member_id="M2")
    write_csv(exports, "hukou", [["身份证号", "姓名", "人员状态"], [m1.id_number, m1.name, "正常"],
                                 [m2.id_number, m2.name, "正常"]])
    write_csv(exports, "real_estate", [["身份证号", "不动产单元号", "建筑面积"],
                                       [m1.id_number, "990102001001GB00001F0001", "80"]])
    write_csv(exports, "social_insurance", [["身份证号", "年工资收入", "年养老金"]])
    write_csv(exports, "business", [["身份证号", "企业名称"]])
    write_csv(exports, "housing_fund", [["身份证号", "年缴存额"]])
    write_csv(exports, "deposits", [["身份证号", "存款余额"]])


def test_verification_follows_the_case_and_a_department_file_is_imported(
        browser, live_server, tree, window_worker, household, exports, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    base = live_server.url
    verifier = UserFactory(username="verifier1", full_name="县核对员", role="verification_officer",
                           region=tree["county"])
    _department_files(exports, household)
    case = application_create(actor=window_worker, household=household, item_code="MZ01",
                              channel="window",
                              files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])

    # 1. The window accepts: the request is made with the application's authorisation.
    window = browser_login(browser, base, window_worker, timeout_ms=SLOW_MS, viewport=DESKTOP)
    window.goto(f"{base}/applications/{case.pk}/")
    window.locator('#action-accept button[type="submit"]').click()
    window.wait_for_load_state()
    expect(window.locator('[data-testid="state"]')).to_have_text("已受理（调查核对中）")
    request = VerificationRequest.objects.get(case_number=case.number)
    authorisation = case.attachments.get(material="家庭经济状况核对授权书")
    assert request.authorisation_sha256 == authorisation.sha256
    assert request.status == "partial"  # the vehicle registry's file is not there yet
    expect(window.locator('[data-testid="case-verification"]')).to_contain_text("正在向各部门查询")

    # 2. verifier1 finds it in the list, with the case it came from.
    officer = browser_login(browser, base, verifier, timeout_ms=SLOW_MS, viewport=DESKTOP)
    officer.goto(f"{base}/verification/")
    row = officer.locator('[data-testid="requests"] tr', has_text=case.number)
    expect(row).to_contain_text("部分返回")
    officer.screenshot(path=str(SCREENSHOTS / "verification-queue.png"), full_page=True)
    row.get_by_role("link", name=str(request.pk), exact=True).click()
    expect(officer.locator('[data-testid="case-link"]')).to_contain_text(case.number)
    expect(officer.locator('[data-testid="source-status"]')).to_contain_text("暂不可用")

    # 3. The vehicle registry's file: one bad row is refused by row and column.
    officer.goto(f"{base}/verification/")
    officer.locator('[data-testid="imports-link"]').click()
    officer.wait_for_url(re.compile(r".*/verification/imports/$"))
    m1 = id_of(household, "M1")
    bad = tmp_path / "车辆登记.csv"
    bad.write_text("\n".join([",".join(VEHICLES), f"{m1},张三,示A12345,小型轿车,85000",
                              f"{id_of(household, 'M2')},李四,示A54321,小型轿车,八万五"]),
                   encoding="utf-8-sig")
    officer.select_option('[name="source"]', "vehicles")
    officer.set_input_files('[name="file"]', str(bad))
    officer.get_by_role("button", name="检查并预览").click()
    expect(officer.locator('[data-testid="row-errors"]')).to_contain_text("第 3 行“评估价值”列")
    assert not (exports / "vehicles.csv").exists() and not SourceImport.objects.exists()
    officer.screenshot(path=str(SCREENSHOTS / "verification-import-error.png"), full_page=True)

    # 4. The corrected file: previewed, then applied; the waiting request is asked again.
    good = tmp_path / "车辆登记（更正）.csv"
    good.write_text("\n".join([",".join(VEHICLES), f"{m1},张三,示A12345,小型轿车,85000"]),
                    encoding="utf-8-sig")
    officer.select_option('[name="source"]', "vehicles")
    officer.set_input_files('[name="file"]', str(good))
    officer.get_by_role("button", name="检查并预览").click()
    officer.wait_for_url(re.compile(r".*/verification/imports/\d+/$"))
    expect(officer.locator('[data-testid="import-summary"]')).to_contain_text("新增 1")
    expect(officer.locator('[data-testid="import-changes"]')).to_contain_text("85,000.00")
    officer.screenshot(path=str(SCREENSHOTS / "verification-import-preview.png"), full_page=True)
    officer.get_by_role("button", name="确认导入").click()
    expect(officer.locator('[data-testid="import-status"]')).to_have_text("已导入")
    assert "85000" in (exports / "vehicles.csv").read_text(encoding="utf-8-sig")
    request.refresh_from_db()
    assert request.status == "complete"

    # 5. The completed report links itself to the case and shows there.
    officer.goto(f"{base}/verification/{request.pk}/")
    officer.locator('[data-testid="case-link"] a').click()
    officer.wait_for_url(re.compile(rf".*/applications/{case.pk}/$"))
    panel = officer.locator('[data-testid="case-verification"]')
    expect(panel).to_contain_text("已录入本申请")
    expect(panel).to_contain_text("发现差异 1 项")
    case = Application.objects.get(pk=case.pk)
    assert case.verification_recorded and case.verification["request_id"] == request.pk
    officer.screenshot(path=str(SCREENSHOTS / "verification-case.png"), full_page=True)

    # The same pages on a phone: nothing scrolls sideways.
    phone = browser_login(browser, base, verifier, timeout_ms=SLOW_MS, viewport=PHONE,
                          is_mobile=True, has_touch=True)
    imported = SourceImport.objects.get()
    for name, path in (("verification-queue-phone", "/verification/"),
                       ("verification-imports-phone", "/verification/imports/"),
                       ("verification-import-preview-phone", f"/verification/imports/{imported.pk}/")):
        phone.goto(base + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"
    phone.goto(f"{base}/applications/{case.pk}/")
    box = phone.locator('[data-testid="case-verification"]').bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    phone.screenshot(path=str(SCREENSHOTS / "verification-case-phone.png"), full_page=True)
