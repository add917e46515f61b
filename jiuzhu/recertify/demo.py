"""Demo 资格认证 of 示范县, through the services: the county's setting (A every 3 months,
B and C every 6), a confirmation opened for every recipient (待认证), and in 城关街道 one
confirmed and checked with its photo, one confirmed waiting for the check, one with a
declared change (reviewer1's 今日待办), one 20 days late (a visit task for the family's grid
worker) and one 50 days late (payment suspended with D22). Idempotent: when the county has
confirmations already only the daily step's opening runs again."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.applications.choices import State as CaseState
from jiuzhu.applications.models import Application
from jiuzhu.core.access import SYSTEM
from jiuzhu.regions.models import Region

from . import services
from .models import Confirmation, RecertifySetting

COUNTY = "990102"
TOWN = "990102001"  # 城关街道: window1 and reviewer1


def photo_png(text: str = "ID") -> bytes:
    """A small stand-in photo (a face and a card), PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 180), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 30, 110, 110), fill=(240, 200, 170))
    draw.rectangle((30, 110, 120, 180), fill=(60, 90, 140))
    draw.rectangle((120, 90, 220, 150), fill=(250, 250, 245), outline=(90, 90, 90), width=2)
    draw.rectangle((128, 100, 152, 128), fill=(200, 180, 160))
    draw.line((160, 106, 210, 106), fill=(90, 90, 90), width=3)
    draw.line((160, 118, 200, 118), fill=(90, 90, 90), width=3)
    draw.text((160, 128), text[:8], fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load(stdout: Any = None) -> int:
    """The demo confirmations; returns how many were opened."""
    county = Region.objects.filter(code=COUNTY).first()
    town = Region.objects.filter(code=TOWN).first()
    if county is None or town is None:
        return 0
    today = timezone.localdate()
    if not RecertifySetting.objects.filter(county=county).exists():
        services.setting_save(actor=SYSTEM, county=county,
                              data={**services.DEFAULTS, "active": "1"})
    if Confirmation.objects.within(county).exists():
        return len(services.confirmations_generate(today=today))
    paid = list(Application.objects.within(town)
                .filter(state=CaseState.IN_PAYMENT, item_code="MZ01",
                        household__grid__isnull=False)
                .select_related("household").order_by("id")[:5])
    opened = 0
    # late ones first (the daily step then opens the period of everyone else)
    for application, days in zip(paid[3:5], (20, 50), strict=False):
        services.confirmation_open(application, today - timedelta(days=days))
        opened += 1
    services.confirmations_overdue(today=today)
    opened += len(services.confirmations_generate(today=today))
    reviewer = demo_user("reviewer1") or SYSTEM
    rows = {c.application_id: c for c in Confirmation.objects.filter(
        application__in=paid[:3], state="due")}
    for n, application in enumerate(paid[:3]):
        row = rows.get(application.pk)
        if row is None:
            continue
        changed = n == 2
        data = {"latitude": "30.123456", "longitude": "114.234567"}
        if changed:
            data.update({"changed_income": "1",
                         "change_note": "儿子今年 9 月外出务工，每月收入约 3000 元"})
        row = services.confirmation_submit(confirmation=row, data=data,
                                           photo=("手持身份证.png", photo_png(str(row.pk))))
        if n == 0:
            services.confirmation_act(actor=reviewer, confirmation=row, action="accept")
    if stdout is not None:
        stdout.write(f"recertify: {opened} confirmations opened\n")
    return opened

