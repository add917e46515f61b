"""The social worker's phone: 我的社工个案 with the overdue follow-up in red, the visit form
with a photo from the camera, back to the list with the next visit due."""

from __future__ import annotations

import re

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.socialwork import services
from jiuzhu.testing import browser_login

from .conftest import make_household

PHONE = {"width": 390, "height": 844}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_social_worker_records_an_overdue_follow_up_on_the_phone(
        browser, live_server, tree, org, worker, media, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    (tmp_path / "visit.png").write_bytes(PNG)
    household = make_household()
    opened = timezone.now() - timedelta(days=40)
    case = services.case_open(actor=SYSTEM, household=household, phase="after",
                              trigger="left_dibao", opened_at=opened)
    assert case.social_worker == worker and case.current_alert() == "red"
    base = live_server.url
    page = browser_login(browser, base, worker, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{base}/socialwork/mine/")
    card = page.locator(f'[data-case="{case.pk}"]')
    assert card.locator('[data-alert="red"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card.locator('[data-testid="record-visit"]').click()
    page.wait_for_url(re.compile(r".*/socialwork/\d+/visit/$"))
    page.select_option('[name="kind"]', "home")
    page.fill('[name="notes"]', "入户回访，家庭生活稳定")
    page.set_input_files('[name="photos"]', str(tmp_path / "visit.png"))
    page.locator('[data-testid="visit-submit"]').click()
    page.wait_for_url(re.compile(r".*/socialwork/mine/$"))
    assert page.locator(".alert-success").count() == 1
    assert page.locator(f'[data-case="{case.pk}"] [data-alert="none"]').count() == 1
    visit = case.visits.filter(done_on__isnull=False).get()
    assert visit.kind == "home" and visit.photos.count() == 1
