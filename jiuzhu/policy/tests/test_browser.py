"""sysadmin1 enters a 2027 parameter set in Chromium, approver1 approves it and starts the
county's re-assessment with the new parameters."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jiuzhu.assessments.models import Standing
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.policy.models import ParameterSetDraft
from jiuzhu.rules import parameters
from jiuzhu.testing import browser_login, household_dict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_a_set_a_second_person_approves_and_reassesses(browser, live_server, admin,
                                                             approver):
    household = household_register(actor=SYSTEM, data=household_dict())
    base = live_server.url
    page = browser_login(browser, base, admin)
    page.goto(f"{base}/policy/")
    page.locator('[data-testid="policy-new"]').click()
    page.wait_for_url(re.compile(r".*/policy/new/.*"))
    page.fill('[name="effective_on"]', "2027-01-01")
    page.fill('[name="reference"]', "示民发〔2026〕12号")
    page.fill('[name="p.dibao_standard_rural"]', "七百六")
    page.locator('[data-testid="policy-save"]').click()
    error = page.locator('[data-parameter="dibao_standard_rural"] [data-testid="param-error"]')
    assert "农村低保标准（dibao_standard_rural）：请填写数字" in error.inner_text()
    page.fill('[name="p.dibao_standard_rural"]', "760")
    page.locator('[data-testid="policy-save"]').click()
    page.wait_for_url(re.compile(r".*/policy/\d+/$"))
    row = page.locator('[data-testid="policy-diff"] [data-parameter="dibao_standard_rural"]')
    assert row.locator('[data-testid="old"]').inner_text() == "720"
    assert row.locator('[data-testid="new"]').inner_text() == "760"
    page.locator('[data-action="submit"]').click()
    page.wait_for_url(re.compile(r".*/policy/\d+/$"))
    assert page.locator('[data-action="approve"]').count() == 0  # not by the one who entered it
    draft = ParameterSetDraft.objects.get()
    assert draft.state == "submitted"

    page = browser_login(browser, base, approver)
    page.goto(f"{base}/policy/{draft.pk}/")
    page.locator('[data-action="approve"]').click()
    page.wait_for_url(re.compile(r".*/policy/\d+/$"))
    assert "已批准生效" in page.locator('[data-testid="draft-state"]').inner_text()
    assert parameters.parameters_for("990102", date(2027, 1, 1))["dibao_standard_rural"] == 760
    page.locator('[data-action="reassess"]').click()
    page.wait_for_url(re.compile(r".*/assessments/batches/\d+/$"))
    draft.refresh_from_db()
    assert draft.reassessment is not None
    standing = Standing.objects.get(household=household)
    assert standing.parameters_effective == date(2027, 1, 1)
    page.goto(f"{base}/policy/{draft.pk}/")
    assert page.locator('[data-testid="reassessment-link"]').count() == 1
