"""The demo's county-entered parameters (政策参数, #16): through the services as the demo
users — ``sysadmin1`` enters the 2027 standards with their document number, ``approver1``
approves them (in force from 2027-01-01), and a second set (2027 minimum wage and rural
income) waits for approval. Run again, it adds nothing."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from jiuzhu.accounts.models import User
from jiuzhu.regions.models import Region

from . import services
from .models import ParameterSetDraft
from .workflow import WORKFLOW

COUNTY = "990102"
APPROVED = (date(2027, 1, 1), "示范县民政局 示范县财政局关于提高 2027 年城乡低保标准的通知（示民发〔2026〕31号）",
            {"dibao_standard_urban": "960", "dibao_standard_rural": "780"},
            "城乡低保标准按上年度居民人均消费支出的比例调整")
WAITING = (date(2027, 7, 1), "示范省人力资源和社会保障厅关于调整最低工资标准的通知（示人社发〔2027〕5号）",
           {"min_wage_monthly": "2100", "rural_disposable_income": "22800"},
           "最低工资标准和上年度农村居民人均可支配收入按省里公布的数调整")


def load() -> int:
    county = Region.objects.filter(code=COUNTY).first()
    enterer = User.objects.filter(username="sysadmin1").first()
    approver = User.objects.filter(username="approver1").first()
    if county is None or enterer is None or approver is None:
        return 0
    if ParameterSetDraft.objects.filter(region=county).exists():
        return 0
    added = 0
    for when, reference, values, note in (APPROVED, WAITING):
        with transaction.atomic():
            draft = services.draft_save(actor=enterer, county=county, effective_on=when,
                                        reference=reference, proposed=values, note=note)
            WORKFLOW.perform(actor=enterer, obj=draft.pk, action="submit")
            if when == APPROVED[0]:
                WORKFLOW.perform(actor=approver, obj=draft.pk, action="approve")
        added += 1
    return added
