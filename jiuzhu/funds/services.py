"""Writes of the emergency funds (救急难基金): income, allocation to a township's reserve,
commitments for a case's help, payments, releases, recoveries, reversing corrections, and
the reserves' replenishment requests.

Every function checks who acts and what they gave first and changes nothing when it
refuses; then it locks the fund row(s) (``select_for_update``, in primary-key order; on
SQLite the write transaction itself serialises), re-reads the balance under the lock,
refuses when the available amount would go below zero, writes the entry, keeps
``balance_fen``/``committed_fen`` in step and writes one audit event — all in one
transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.choices import AuditAction
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region
from jiuzhu.rules.money import format_fen

from .choices import (
    RECORDABLE_SOURCES,
    REVERSIBLE,
    EntryKind,
    FundKind,
    HelpLevel,
    IncomeSource,
    PaymentMethod,
    ReplenishmentState,
)
from .models import Fund, LedgerEntry, Replenishment
from .selectors import unreplenished_payments

#: The largest single amount (one hundred million yuan): a typo guard.
MAX_AMOUNT_FEN = 100_000_000 * 100


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _what() -> str:
    return _("基金")


def _refuse(errors: list[dict[str, str]]) -> None:
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, errors[0]["message"] if len(errors) == 1
                           else _("信息有误，请按提示修改"), errors)


def _error(errors: list[dict[str, str]], path: str, message: str) -> None:
    errors.append({"path": path, "message": message})


def _check_amount(errors: list[dict[str, str]], amount_fen: Any) -> None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        _error(errors, "amount", _("金额应大于 0 元"))
    elif amount_fen > MAX_AMOUNT_FEN:
        _error(errors, "amount", _("金额不能超过 %(max)s 元") % {"max": format_fen(MAX_AMOUNT_FEN)})


def _check_on(errors: list[dict[str, str]], on: Any, *, path: str = "on") -> None:
    if not isinstance(on, date):
        _error(errors, path, _("请填写日期"))
    elif on > timezone.localdate():
        _error(errors, path, _("日期不能晚于今天"))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_text(errors: list[dict[str, str]], path: str, value: Any, message: str) -> str:
    text = _text(value)
    if not text:
        _error(errors, path, message)
    return text


def _lock(*funds: Fund) -> dict[int, Fund]:
    """The funds' rows re-read under a row lock, in primary-key order (no deadlock between
    two transactions locking the same pair); the callers' objects get the fresh values."""
    ids = sorted({f.pk for f in funds})
    locked = {f.pk: f for f in Fund.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    for fund in funds:
        fresh = locked[fund.pk]
        fund.balance_fen, fund.committed_fen = fresh.balance_fen, fresh.committed_fen
    return locked


def _store(fund: Fund, original: Fund | None = None) -> None:
    if fund.balance_fen < fund.committed_fen or fund.committed_fen < 0:  # pragma: no cover
        raise AssertionError("available below zero")
    fund.save(update_fields=["balance_fen", "committed_fen"])
    if original is not None and original is not fund:
        original.balance_fen, original.committed_fen = fund.balance_fen, fund.committed_fen


def insufficient(fund: Fund, amount_fen: int) -> ServiceError:
    """409 ``insufficient_funds`` naming ``amount`` and the available amount."""
    available = format_fen(fund.available_fen)
    message = _("%(fund)s可用余额 %(available)s 元，不足 %(amount)s 元") % {
        "fund": fund.name, "available": available, "amount": format_fen(amount_fen)}
    return ServiceError(ErrorCode.INSUFFICIENT_FUNDS, message,
                        [{"path": "amount", "message": message}],
                        extra={"available": available})


def _audit(actor: Any, entry: LedgerEntry, step: str, **detail: Any) -> None:
    audit_record(actor=actor, action=AuditAction.CREATE, obj=entry, detail={
        "step": step, "amount": format_fen(entry.amount_fen), "name": entry.fund.name,
        **detail})


def _closed(commitment: LedgerEntry) -> bool:
    return LedgerEntry.objects.filter(commitment=commitment).exists()


# --- funds ------------------------------------------------------------------------------------


@transaction.atomic
def fund_create(*, actor: Any, name: str, region: Region, kind: str = FundKind.FUND,
                parent: Fund | None = None) -> Fund:
    """Set up a fund of ``region`` or a township's reserve (``parent``: its county fund)."""
    require(actor, region.path, "funds.allocate", what=_what())
    errors: list[dict[str, str]] = []
    name = _check_text(errors, "name", name, _("请填写基金名称"))
    if kind not in FundKind.values:
        _error(errors, "kind", _("基金类别无效"))
    elif kind == FundKind.RESERVE and (parent is None or parent.kind != FundKind.FUND):
        _error(errors, "parent", _("备用金应有所属的救急难基金"))
    elif Fund.objects.filter(region=region, kind=kind).exists():
        _error(errors, "region", _("该区划已有此类基金"))
    _refuse(errors)
    fund = Fund.objects.create(name=name, region=region, region_path=region.path, kind=kind,
                               parent=parent)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=fund,
                 detail={"name": name, "code": region.code})
    return fund


# --- income and allocation ---------------------------------------------------------------------


@transaction.atomic
def record_income(*, actor: Any, fund: Fund, amount_fen: int, source: str, on: date,
                  voucher: str, donor: str = "", receipt_number: str = "",
                  note: str = "") -> LedgerEntry:
    """收入: money received by the fund from ``source`` (a donation with its donor and the
    receipt number given to them)."""
    require(actor, fund.region_path, "funds.record_income", what=_what())
    errors: list[dict[str, str]] = []
    _check_amount(errors, amount_fen)
    if source not in RECORDABLE_SOURCES:
        _error(errors, "source", _("请选择资金来源"))
    _check_on(errors, on)
    voucher = _check_text(errors, "voucher", voucher, _("请填写凭证号"))
    if source == IncomeSource.DONATION:
        donor = _check_text(errors, "donor", donor, _("慈善捐赠须填写捐赠人"))
        receipt_number = _check_text(errors, "receipt_number", receipt_number,
                                     _("慈善捐赠须填写捐赠收据号"))
    else:
        donor, receipt_number = _text(donor), _text(receipt_number)
    _refuse(errors)
    locked = _lock(fund)[fund.pk]
    entry = LedgerEntry.objects.create(
        fund=locked, region_path=locked.region_path, kind=EntryKind.INCOME, source=source,
        amount_fen=amount_fen, on=on, created_by=_user(actor), voucher=voucher, donor=donor,
        receipt_number=receipt_number, note=_text(note))
    locked.balance_fen += amount_fen
    _store(locked, fund)
    _audit(actor, entry, "收入", source=str(IncomeSource(source).label))
    return entry


@transaction.atomic
def allocate(*, actor: Any, fund: Fund, reserve: Fund, amount_fen: int, on: date,
             voucher: str, note: str = "") -> LedgerEntry:
    """划拨: ``amount_fen`` from ``fund`` to ``reserve`` (a township's reserve of the fund,
    or a fund below it): an ``allocation`` on the fund and a ``transfer`` income on the
    reserve, linked as counterparts. Refused above the fund's available amount."""
    require(actor, fund.region_path, "funds.allocate", what=_what())
    errors: list[dict[str, str]] = []
    if reserve is None or reserve.parent_id != fund.pk:
        _error(errors, "reserve", _("只能划拨给本基金下属的备用金"))
    _check_amount(errors, amount_fen)
    _check_on(errors, on)
    voucher = _check_text(errors, "voucher", voucher, _("请填写凭证号"))
    _refuse(errors)
    locked = _lock(fund, reserve)
    source, target = locked[fund.pk], locked[reserve.pk]
    if source.available_fen < amount_fen:
        raise insufficient(source, amount_fen)
    income = LedgerEntry.objects.create(
        fund=target, region_path=target.region_path, kind=EntryKind.INCOME,
        source=IncomeSource.TRANSFER, amount_fen=amount_fen, on=on, created_by=_user(actor),
        voucher=voucher, note=_text(note))
    entry = LedgerEntry.objects.create(
        fund=source, region_path=source.region_path, kind=EntryKind.ALLOCATION,
        amount_fen=amount_fen, on=on, created_by=_user(actor), voucher=voucher,
        counterpart=income, note=_text(note))
    # The pair's back link, written once in the transaction that creates the pair (the
    # entries' own save() refuses any change afterwards).
    LedgerEntry._base_manager.filter(pk=income.pk).update(counterpart=entry)
    income.counterpart = entry
    source.balance_fen -= amount_fen
    target.balance_fen += amount_fen
    _store(source, fund)
    _store(target, reserve)
    _audit(actor, entry, "划拨", note=f"划拨给{target.name}")
    return entry


# --- a case's help: commitment, payment, release --------------------------------------------------


@transaction.atomic
def commit(*, actor: Any, fund: Fund, amount_fen: int, case_id: int, case_number: str = "",
           township: Region | None = None, level: str = "", on: date | None = None,
           note: str = "") -> LedgerEntry:
    """预留: reserve ``amount_fen`` of the fund for an emergency case's approved help.
    Above the available amount: 409 ``insufficient_funds`` with ``available``, nothing
    written; two commitments at the same moment meet on the fund row's lock."""
    require(actor, fund.region_path, "funds.commit", what=_what())
    on = on or timezone.localdate()
    errors: list[dict[str, str]] = []
    _check_amount(errors, amount_fen)
    if isinstance(case_id, bool) or not isinstance(case_id, int) or case_id <= 0:
        _error(errors, "case_id", _("请指明急难个案"))
    if level and level not in HelpLevel.values:
        _error(errors, "level", _("响应等级无效"))
    _check_on(errors, on)
    _refuse(errors)
    locked = _lock(fund)[fund.pk]
    if locked.available_fen < amount_fen:
        raise insufficient(locked, amount_fen)
    entry = LedgerEntry.objects.create(
        fund=locked, region_path=locked.region_path, kind=EntryKind.COMMITMENT,
        amount_fen=amount_fen, on=on, created_by=_user(actor), case_id=case_id,
        case_number=_text(case_number), township=township, level=level or "", note=_text(note))
    locked.committed_fen += amount_fen
    _store(locked, fund)
    _audit(actor, entry, "预留", number=entry.case_number)
    return entry


def _open_commitment(commitment: LedgerEntry) -> None:
    if commitment.kind != EntryKind.COMMITMENT or commitment.reverses_id is not None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该分录不是预留，不能支付或释放"))
    if _closed(commitment):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该笔预留已支付或已释放"))


@transaction.atomic
def pay(*, actor: Any, commitment: LedgerEntry, payee: str, method: str, voucher: str,
        on: date | None = None, document_number: str = "") -> LedgerEntry:
    """支付: pay a commitment in full, once (409 when it was already paid or released)."""
    fund = commitment.fund
    require(actor, fund.region_path, "funds.pay", what=_what())
    on = on or timezone.localdate()
    errors: list[dict[str, str]] = []
    payee = _check_text(errors, "payee", payee, _("请填写收款人"))
    if method not in PaymentMethod.values:
        _error(errors, "method", _("请选择发放方式"))
    voucher = _check_text(errors, "voucher", voucher, _("请填写凭证号"))
    _check_on(errors, on)
    if isinstance(on, date) and on < commitment.on:
        _error(errors, "on", _("支付日期不能早于预留日期"))
    _refuse(errors)
    locked = _lock(fund)[fund.pk]
    _open_commitment(commitment)
    entry = LedgerEntry.objects.create(
        fund=locked, region_path=locked.region_path, kind=EntryKind.PAYMENT,
        amount_fen=commitment.amount_fen, on=on, created_by=_user(actor), voucher=voucher,
        case_id=commitment.case_id, case_number=commitment.case_number,
        document_number=_text(document_number), payee=payee, method=method,
        commitment=commitment, township=commitment.township, level=commitment.level)
    locked.balance_fen -= commitment.amount_fen
    locked.committed_fen -= commitment.amount_fen
    _store(locked, fund)
    _audit(actor, entry, "支付", number=entry.case_number)
    return entry


@transaction.atomic
def release(*, actor: Any, commitment: LedgerEntry, reason: str) -> LedgerEntry:
    """释放: cancel an open commitment; its amount is available again."""
    fund = commitment.fund
    require(actor, fund.region_path, "funds.release", what=_what())
    errors: list[dict[str, str]] = []
    reason = _check_text(errors, "reason", reason, _("请填写释放原因"))
    _refuse(errors)
    locked = _lock(fund)[fund.pk]
    _open_commitment(commitment)
    entry = LedgerEntry.objects.create(
        fund=locked, region_path=locked.region_path, kind=EntryKind.RELEASE,
        amount_fen=commitment.amount_fen, on=max(timezone.localdate(), commitment.on),
        created_by=_user(actor), case_id=commitment.case_id,
        case_number=commitment.case_number, commitment=commitment,
        township=commitment.township, level=commitment.level, note=reason)
    locked.committed_fen -= commitment.amount_fen
    _store(locked, fund)
    _audit(actor, entry, "释放", reason=reason)
    return entry


# --- corrections ----------------------------------------------------------------------------------


@transaction.atomic
def recover(*, actor: Any, fund: Fund, amount_fen: int, on: date, voucher: str,
            case_id: int | None = None, note: str = "") -> LedgerEntry:
    """追回: money recovered (by supervision) back into the fund."""
    require(actor, fund.region_path, "funds.recover", what=_what())
    errors: list[dict[str, str]] = []
    _check_amount(errors, amount_fen)
    _check_on(errors, on)
    voucher = _check_text(errors, "voucher", voucher, _("请填写凭证号"))
    if case_id is not None and (isinstance(case_id, bool) or not isinstance(case_id, int)
                                or case_id <= 0):
        _error(errors, "case_id", _("急难个案编号无效"))
    _refuse(errors)
    locked = _lock(fund)[fund.pk]
    entry = LedgerEntry.objects.create(
        fund=locked, region_path=locked.region_path, kind=EntryKind.RECOVERY,
        amount_fen=amount_fen, on=on, created_by=_user(actor), voucher=voucher,
        case_id=case_id, note=_text(note))
    locked.balance_fen += amount_fen
    _store(locked, fund)
    _audit(actor, entry, "追回")
    return entry


def _reversal(entry: LedgerEntry, fund: Fund, actor: Any, reason: str) -> LedgerEntry:
    return LedgerEntry.objects.create(
        fund=fund, region_path=fund.region_path, kind=entry.kind, source=entry.source,
        amount_fen=-entry.amount_fen, on=max(timezone.localdate(), entry.on),
        created_by=_user(actor), voucher=entry.voucher, case_id=entry.case_id,
        case_number=entry.case_number, document_number=entry.document_number,
        donor=entry.donor, receipt_number=entry.receipt_number, payee=entry.payee,
        method=entry.method, township=entry.township, level=entry.level, reverses=entry,
        note=reason)


@transaction.atomic
def reverse(*, actor: Any, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """冲销: correct an income, allocation, payment or recovery by a new entry of the same
    kind with the negated amount (never an edit). An allocation is reversed with its
    reserve's transfer income; a commitment is released instead. Refused when the fund
    (or the reserve) no longer has the amount available."""
    fund = entry.fund
    require(actor, fund.region_path, "funds.reverse", what=_what())
    errors: list[dict[str, str]] = []
    reason = _check_text(errors, "reason", reason, _("请填写冲销原因"))
    _refuse(errors)
    if entry.reverses_id is not None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("冲销分录不能再冲销"))
    if entry.kind not in REVERSIBLE:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("预留请用释放撤销，不能冲销"))
    if entry.kind == EntryKind.INCOME and entry.source == IncomeSource.TRANSFER:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("上级划拨请在划出的基金冲销对应的划拨"))
    counterpart = entry.counterpart if entry.kind == EntryKind.ALLOCATION else None
    locked = _lock(fund, *([counterpart.fund] if counterpart else []))
    own = locked[fund.pk]
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该分录已冲销"))
    amount = entry.amount_fen
    target = locked[counterpart.fund_id] if counterpart is not None else None
    if entry.kind in (EntryKind.INCOME, EntryKind.RECOVERY):
        if own.available_fen < amount:
            raise insufficient(own, amount)
        own.balance_fen -= amount
    elif entry.kind == EntryKind.PAYMENT:
        own.balance_fen += amount
    elif target is not None:
        if target.available_fen < amount:
            raise insufficient(target, amount)
        own.balance_fen += amount
    reversal = _reversal(entry, own, actor, reason)
    if counterpart is not None and target is not None:
        target.balance_fen -= amount
        back = _reversal(counterpart, target, actor, reason)
        LedgerEntry._base_manager.filter(pk=reversal.pk).update(counterpart=back)
        LedgerEntry._base_manager.filter(pk=back.pk).update(counterpart=reversal)
        reversal.counterpart, back.counterpart = back, reversal
        _store(target, counterpart.fund)
    _store(own, fund)
    _audit(actor, reversal, "冲销", reason=reason, number=str(entry.pk))
    return reversal


# --- replenishment of a township's reserve ---------------------------------------------------------


@transaction.atomic
def request_replenishment(*, actor: Any, reserve: Fund, note: str = "") -> Replenishment:
    """备用金补充申请: the township asks its county fund for what its reserve paid since
    the last replenishment, with the list of those payments."""
    require(actor, reserve.region_path, "funds.request_replenishment", what=_what())
    if reserve.kind != FundKind.RESERVE or reserve.parent_id is None:
        raise ServiceError(ErrorCode.VALIDATION, _("只有乡镇备用金可以申请补充"),
                           [{"path": "reserve", "message": _("只有乡镇备用金可以申请补充")}])
    _lock(reserve)
    if reserve.replenishments.filter(state=ReplenishmentState.REQUESTED).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("已有待审批的补充申请"))
    payments = list(unreplenished_payments(reserve))
    amount = sum(p.amount_fen for p in payments)
    if amount <= 0:
        message = _("自上次补充以来备用金没有支付，无需申请")
        raise ServiceError(ErrorCode.VALIDATION, message,
                           [{"path": "payments", "message": message}])
    replenishment = Replenishment.objects.create(
        reserve=reserve, region_path=reserve.region_path, amount_fen=amount,
        note=_text(note), requested_by=_user(actor))
    replenishment.payments.set(payments)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=replenishment, detail={
        "step": "备用金补充申请", "amount": format_fen(amount), "count": len(payments)})
    return replenishment


@transaction.atomic
def decide_replenishment(*, actor: Any, replenishment: Replenishment, approve: bool,
                         reason: str = "", voucher: str = "",
                         on: date | None = None) -> Replenishment:
    """审批补充申请: approving allocates the amount from the reserve's county fund to the
    reserve (refused, nothing written, when the fund has not that much available);
    refusing needs a reason."""
    reserve = replenishment.reserve
    county = reserve.parent
    if county is None:  # pragma: no cover - a reserve always has its fund
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("备用金没有所属的救急难基金"))
    require(actor, county.region_path, "funds.decide_replenishment", what=_what())
    on = on or timezone.localdate()
    errors: list[dict[str, str]] = []
    if approve:
        voucher = _check_text(errors, "voucher", voucher, _("请填写凭证号"))
        _check_on(errors, on)
    else:
        reason = _check_text(errors, "reason", reason, _("请填写退回理由"))
    _refuse(errors)
    current = Replenishment.objects.select_for_update().get(pk=replenishment.pk)
    if current.state != ReplenishmentState.REQUESTED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该申请已审批"))
    allocation = None
    if approve:
        allocation = allocate(actor=actor, fund=county, reserve=reserve,
                              amount_fen=current.amount_fen, on=on, voucher=voucher,
                              note=f"备用金补充申请 {current.pk}")  # data: in Chinese
    current.state = ReplenishmentState.APPROVED if approve else ReplenishmentState.REFUSED
    current.allocation = allocation
    current.reason = _text(reason)
    current.decided_by = _user(actor)
    current.decided_at = timezone.now()
    current.save(update_fields=["state", "allocation", "reason", "decided_by", "decided_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=current, detail={
        "step": "审批补充申请", "decision": str(current.get_state_display()),
        "amount": format_fen(current.amount_fen)})
    for name in ("state", "allocation", "reason", "decided_by", "decided_at"):
        setattr(replenishment, name, getattr(current, name))
    return replenishment
