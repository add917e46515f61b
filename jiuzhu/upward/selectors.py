"""Reads of upward reporting: the recipients of a month as exchange records (the file and
the API alike), the submissions a user may see."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuzhu.applications import receiving
from jiuzhu.applications.models import Application
from jiuzhu.core.access import get_visible
from jiuzhu.households.models import Member
from jiuzhu.payments import hooks as payment_hooks
from jiuzhu.payments.models import Payment

from .choices import LabourCapacity
from .models import Submission

#: 劳动力系数 in tenths by health and age band (10-rules.md §Labour coefficient): the bands
#: start at 16, 40, 50, 60, 70; below 16 or in school it is 0.
_BANDS = (16, 40, 50, 60, 70)
_COEFFICIENT = {
    "healthy": (10, 9, 7, 4, 0), "chronic_illness": (7, 6, 5, 2, 0),
    "mild_disability": (6, 5, 4, 2, 0), "moderate_disability": (3, 3, 2, 1, 0),
    "serious_illness": (0, 0, 0, 0, 0), "severe_disability": (0, 0, 0, 0, 0),
}


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def labour_capacity(member: Member, on: date) -> str:
    """有劳动能力 (coefficient 1.0), 部分丧失 (between), 无劳动能力 (0: under 16, in school,
    70 and over, seriously ill or severely disabled)."""
    age = _age(member.birth_date, on)
    band = sum(1 for start in _BANDS if age >= start) - 1
    if band < 0 or member.in_school:
        return LabourCapacity.NONE
    tenths = _COEFFICIENT.get(member.health, (0,) * 5)[band]
    if tenths >= 10:
        return LabourCapacity.FULL
    return LabourCapacity.PARTIAL if tenths > 0 else LabourCapacity.NONE


def month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def recipients(month: date, *, user: Any = None, region: Any = None) -> QuerySet[Application]:
    """The recipient cases of ``month`` (``applications.receiving.recipients_in``), in the
    order of the file: household number, then case; ``region`` for the file (its subtree),
    ``user`` for the API (what the user may see)."""
    return (receiving.recipients_in(month, user=user, region=region)
            .select_related("household__region", "household__grid", "region")
            .order_by("household__household_id", "pk"))


def monitoring_circles(household_ids: list[int]) -> dict[int, int]:
    """The monitoring circle (1–4, 0 outside or vetoed) of each household that has a
    standing (``assessments.selectors.with_monitoring_circle`` over its standing)."""
    from jiuzhu.assessments import selectors as assessment_selectors
    from jiuzhu.assessments.models import Standing

    if not household_ids:
        return {}
    standings = Standing.objects.filter(household_id__in=household_ids)
    rows = assessment_selectors.with_monitoring_circle(standings).values_list(
        "household_id", "monitoring_circle")
    return {pk: int(circle or 0) for pk, circle in rows}


#: A recipient never assessed (no standing) is in the circle of what it receives.
RECEIVING_CIRCLE = {"urban_dibao": 1, "rural_dibao": 1, "tekun": 1, "low_income": 2}


def payments_of(cases: list[Application], month: date) -> dict[int, Payment]:
    return {p.application_id: p for p in Payment.objects.filter(
        application__in=[c.pk for c in cases], month=month).select_related("payroll")}


def decided_amount(case: Application, month: date) -> Decimal:
    """What the decision gives the case for ``month`` (the payroll's amount rule: a
    phase-out's amount, the approved amount otherwise); 0 for a recognition (低收入人口)."""
    if getattr(case, "programme", "") == "low_income":
        return Decimal("0.00")
    amount = payment_hooks.paid_amount(case, month)
    return Decimal(amount if amount is not None else 0).quantize(Decimal("0.01"))


def records_for(cases: list[Application], month: date) -> list[dict[str, Any]]:
    """The exchange records of ``cases`` (one per recipient case), as the README's field
    list says; codes, not names."""
    households = {c.household_id for c in cases}
    members: dict[int, list[Member]] = {}
    for member in Member.objects.filter(household_id__in=households).order_by(
            "household_id", "position", "pk"):
        members.setdefault(member.household_id, []).append(member)
    circles = monitoring_circles(sorted(households))
    on = month_end(month)
    out = []
    for case in cases:
        household = case.household
        out.append({
            "region_code": household.region.code,
            "household_number": household.household_id,
            "programme": getattr(case, "programme", ""),
            "start_month": f"{case.start_month:%Y-%m}" if case.start_month else None,
            "amount": f"{decided_amount(case, month):.2f}",
            "circle": circles.get(household.pk,
                                  RECEIVING_CIRCLE.get(getattr(case, "programme", ""), 0)),
            "members": [{"name": m.name, "id_number": m.id_number, "relation": m.relation,
                         "health": m.health, "labour_capacity": str(labour_capacity(m, on))}
                        for m in members.get(household.pk, [])],
        })
    return out


def submissions_visible_to(user: Any) -> QuerySet[Submission]:
    return (Submission.objects.visible_to(user)
            .select_related("region", "produced_by", "requested_by")
            .order_by("-month", "region__code"))


def submission_get(*, user: Any, pk: int) -> Submission:
    return get_visible(Submission.objects.select_related("region", "produced_by", "requested_by"),
                       user, message=_("上报数据包不存在"), pk=pk)
