"""The items besides dibao that go through the same paperless procedure (15-programs.md):
MZ02 低保边缘家庭认定, MZ03 特困人员救助供养, MZ06 刚性支出困难家庭认定, MZ04 临时救助 and
MZ05 急难型临时救助（先行救助）.

What differs per item is data here (:data:`PROGRAMS`); the states and actions are those of
``workflow.py``. See README.md, "Other items", for why each item runs as it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError


@dataclass(frozen=True)
class ItemProgram:
    code: str
    program: str
    #: both the home investigation and the economic-status verification before the opinion
    #: (False: the investigation alone completes the checks; a verification may still be added)
    verification_required: bool
    #: an approval recommendation is posted publicly (公示) before the decision
    notice: bool
    #: democratic appraisal as the county's dibao setting says (False: only after a founded
    #: objection sends the case back to it)
    appraisal: bool
    #: the amount: "dibao" (the engine's benefit), "tekun" (sum of the qualifying members'
    #: monthly amounts), "entered" (by the reviewer, capped), "" (a recognition, no amount)
    amount: str
    #: paid every month from the month after approval (in the payroll)
    monthly: bool
    #: a recognition valid for this many months from the decision (None: until reviewed)
    valid_months: int | None = None

    @property
    def one_off(self) -> bool:
        """Paid once, in the payroll of the month of the decision (temporary assistance)."""
        return self.amount == "entered"


PROGRAMS: dict[str, ItemProgram] = {
    "MZ01": ItemProgram("MZ01", "dibao", True, True, True, "dibao", True),
    "MZ02": ItemProgram("MZ02", "low_income", True, True, False, "", False),
    "MZ03": ItemProgram("MZ03", "tekun", True, True, False, "tekun", True),
    "MZ06": ItemProgram("MZ06", "rigid_expense", True, True, False, "", False, valid_months=12),
    "MZ04": ItemProgram("MZ04", "temporary", False, False, False, "entered", False),
    "MZ05": ItemProgram("MZ05", "emergency", False, False, False, "entered", False),
}

#: Items paid once (in the payroll of the decision's month) rather than every month.
ONE_OFF_ITEMS = frozenset(code for code, program in PROGRAMS.items() if program.one_off)

#: Documents whose templates name the item (``case.item_name``) or are neutral records:
#: D12 (审核确认表, the decision record with the result and amount) and D14 (不予批准通知书)
#: name the item; the others (D09–D11, D13, D15) are written for dibao, MZ01 only.
ITEM_NEUTRAL_DOCUMENTS = frozenset({"D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08",
                                    "D12", "D14"})


def valid_until(decided_on: date, months: int) -> date:
    """The last day of a recognition valid ``months`` from ``decided_on`` (2026-03-15 and
    12 months → 2027-03-14; from 2024-02-29 → 2025-02-27, the day before 2025-02-28)."""
    import calendar
    from datetime import timedelta

    index = decided_on.year * 12 + decided_on.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(decided_on.day, last)) - timedelta(days=1)


def program_of(item_code: str) -> ItemProgram:
    program = PROGRAMS.get(item_code)
    if program is None:
        raise ServiceError(ErrorCode.VALIDATION, _("事项 %(item_code)s 不在本程序办理") % {"item_code": item_code},
                           [{"path": "item_code", "message":
                             _("本程序办理事项：%(items)s；其他事项请通过综合受理转办") % {"items": '、'.join(PROGRAMS)}}])
    return program


def documents_for_item(item_code: str, codes: list[str]) -> list[str]:
    if item_code == "MZ01":
        return codes
    return [c for c in codes if c in ITEM_NEUTRAL_DOCUMENTS]


@dataclass
class ProgramCheck:
    """What the item's own programme says about the household on a date."""

    item_code: str
    qualifies: bool
    reason: str
    amount: Decimal | None  # MZ03: monthly total; others None
    cap: Decimal  # temporary assistance: most one event may give
    township_limit: Decimal  # temporary assistance: most a township approves alone
    tekun_members: list[dict[str, Any]]


def program_check(snapshot: dict[str, Any], item_code: str) -> ProgramCheck:
    """Run the prescription rules on the household snapshot for ``item_code``."""
    from jiuzhu.rules.prescription import prescribe

    (result,) = prescribe([snapshot])
    if "errors" in result:
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息不完整，无法核算"), result["errors"])
    entry = next(e for e in result["prescription"] if e["item_code"] == item_code)
    summary = result["summary"]
    qualifies = entry["status"] in ("eligible", "possible")
    amount = Decimal(summary["tekun_monthly_total"]) if item_code == "MZ03" else None
    return ProgramCheck(item_code=item_code, qualifies=qualifies, reason=entry["reason"],
                        amount=amount, cap=Decimal(summary["temporary_cap"]),
                        township_limit=Decimal(summary["township_approval_limit"]),
                        tekun_members=result["tekun_members"])


def check_for_application(application: Any, on: date | None = None) -> ProgramCheck:
    """The programme check of an application, from its stored assessment snapshot."""
    snapshot = dict(application.assessment.input_snapshot) if application.assessment_id else None
    if snapshot is None:
        from jiuzhu.assessments.services import household_snapshot

        snapshot = household_snapshot(application.household, on=on or date.today())
    return program_check(snapshot, application.item_code)


def parse_amount(value: Any, path: str = "amount") -> Decimal:
    from decimal import InvalidOperation

    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ServiceError(ErrorCode.VALIDATION, _("金额格式不正确"),
                           [{"path": path, "message": _("金额格式不正确")}]) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ServiceError(ErrorCode.VALIDATION, _("金额应为正数，最多两位小数"),
                           [{"path": path, "message": _("金额应为正数，最多两位小数")}])
    return amount


def check_temporary_amount(amount: Decimal, check: ProgramCheck, path: str = "amount") -> None:
    """Temporary assistance: at most temporary_cap_months × standard × n per event."""
    if amount > check.cap:
        message = (_("临时救助金额 %(amount)s 元超过单次上限 %(cap)s 元"
                     "（临时救助上限月数 × 低保标准 × 家庭人口）")
                   % {"amount": f"{amount:.2f}", "cap": f"{check.cap:.2f}"})
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": path, "message": message}])
