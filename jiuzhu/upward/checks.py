"""The checks run before an exchange file is produced (60-monitoring.md §Upward
reporting): invalid ID numbers, a member in two active households, a recipient without a
decision document, an amount that differs from the payroll, a household outside the region
tree. Each problem names the household and the case, so the page links to what to fix;
production is refused while any is found."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from jiuzhu.applications.models import Application
from jiuzhu.documents.models import Document
from jiuzhu.households.choices import HouseholdStatus
from jiuzhu.households.models import Member
from jiuzhu.regions.models import Region
from jiuzhu.rules.validation import id_number_valid

from .choices import CheckKind
from .selectors import decided_amount, payments_of

#: The decision's document that must exist for a recipient: 准予最低生活保障决定书 (D13) for
#: dibao, 审核确认表 (D12, the decision record with result and amount) for the other items.
DECISION_CODE = {"MZ01": "D13"}
DEFAULT_DECISION_CODE = "D12"
#: Household regions a file may name: a village or community, or a grid under one.
HOUSEHOLD_LEVELS = ("village", "grid")


@dataclass
class Problem:
    kind: str
    household_pk: int
    household_number: str
    head_name: str
    application_pk: int
    application_number: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _problem(kind: str, case: Application, message: str) -> Problem:
    household = case.household
    return Problem(kind=kind, household_pk=household.pk, household_number=household.household_id,
                   head_name=household.head_name, application_pk=case.pk,
                   application_number=case.number, message=message)


def _masked(id_number: str) -> str:
    return f"{id_number[:6]}********{id_number[-4:]}" if len(id_number) >= 10 else id_number


def check_id_numbers(cases: list[Application], members: dict[int, list[Member]]) -> list[Problem]:
    out = []
    for case in cases:
        for member in members.get(case.household_id, []):
            if not id_number_valid(member.id_number):
                out.append(_problem(CheckKind.ID_NUMBER, case, _(
                    "成员 %(name)s 的身份证号码 %(id)s 无效（位数、出生日期或校验位不对）")
                    % {"name": member.name, "id": member.id_number or _("（空）")}))
    return out


def check_two_households(cases: list[Application],
                         members: dict[int, list[Member]]) -> list[Problem]:
    numbers = {m.id_number for ms in members.values() for m in ms if m.id_number}
    where: dict[str, set[tuple[int, str]]] = {}
    for id_number, household_pk, household_number in Member.objects.filter(
            id_number__in=numbers, household__status=HouseholdStatus.ACTIVE).values_list(
            "id_number", "household_id", "household__household_id"):
        where.setdefault(id_number, set()).add((household_pk, household_number))
    out = []
    for case in cases:
        for member in members.get(case.household_id, []):
            others = sorted(n for pk, n in where.get(member.id_number, set())
                            if pk != case.household_id)
            if others:
                out.append(_problem(CheckKind.TWO_HOUSEHOLDS, case, _(
                    "成员 %(name)s（%(id)s）同时登记在在册家庭 %(others)s")
                    % {"name": member.name, "id": _masked(member.id_number),
                       "others": "、".join(others)}))
    return out


def check_decisions(cases: list[Application]) -> list[Problem]:
    content_type = ContentType.objects.get_for_model(Application)
    issued = set(Document.objects.filter(
        content_type=content_type, object_id__in=[str(c.pk) for c in cases],
        code__in={*DECISION_CODE.values(), DEFAULT_DECISION_CODE}).values_list(
        "object_id", "code"))
    out = []
    for case in cases:
        code = DECISION_CODE.get(case.item_code, DEFAULT_DECISION_CODE)
        if (str(case.pk), code) not in issued:
            out.append(_problem(CheckKind.NO_DECISION, case, _(
                "申请 %(number)s 没有审批决定文书（%(code)s）") % {
                    "number": case.number, "code": code}))
    return out


def check_amounts(cases: list[Application], month: date) -> list[Problem]:
    payments = payments_of(cases, month)
    out = []
    for case in cases:
        if getattr(case, "programme", "") == "low_income":
            continue
        decided = decided_amount(case, month)
        payment = payments.get(case.pk)
        if payment is None or payment.payroll_id is None:
            out.append(_problem(CheckKind.AMOUNT, case, _(
                "申请 %(number)s 在 %(month)s 的花名册上没有发放记录（核定 %(amount)s 元）") % {
                    "number": case.number, "month": f"{month:%Y-%m}", "amount": f"{decided:.2f}"}))
        elif payment.amount != decided:
            out.append(_problem(CheckKind.AMOUNT, case, _(
                "申请 %(number)s 核定金额 %(decided)s 元，花名册发放 %(paid)s 元") % {
                    "number": case.number, "decided": f"{decided:.2f}",
                    "paid": f"{payment.amount:.2f}"}))
    return out


def check_regions(cases: list[Application], region: Region) -> list[Problem]:
    out = []
    for case in cases:
        household = case.household
        place = household.grid or household.region
        inside = (region.contains(household.region) and region.contains(place)
                  and household.region.level in HOUSEHOLD_LEVELS
                  and place.path == household.region_path
                  and case.region.contains(household.region))
        if not inside:
            out.append(_problem(CheckKind.OUTSIDE_REGION, case, _(
                "家庭所在区划 %(place)s 不在 %(region)s 的区划树内，或与受理乡镇 %(township)s 不符")
                % {"place": household.region.full_name(), "region": region.name,
                   "township": case.region.name}))
    return out


def run_checks(cases: list[Application], region: Region, month: date) -> list[Problem]:
    """Every problem of the month's recipients in ``region``, by check then household."""
    members: dict[int, list[Member]] = {}
    for member in Member.objects.filter(household_id__in={c.household_id for c in cases}).order_by(
            "household_id", "position", "pk"):
        members.setdefault(member.household_id, []).append(member)
    return [*check_id_numbers(cases, members), *check_two_households(cases, members),
            *check_decisions(cases), *check_amounts(cases, month),
            *check_regions(cases, region)]
