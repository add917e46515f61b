"""Writes of 政府购买家境调查: contracts, the case entrusted to an organisation (from the
township's ``assign_investigation``), the coordinator's surveyor, the report, the
township's acceptance or return, and the settlement of a period. Each is one
transaction with its audit event; bad input changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import visible_path
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error

from .choices import OPEN_STATES, FundingSource
from .choices import InvestigationState as St
from .models import Contract, ContractedInvestigation, Settlement


def _refuse(user: Any, perm: str, obj: Any, message: str) -> None:
    if not user.has_perm(perm, obj):
        raise ServiceError(ErrorCode.FORBIDDEN, message)


def _not_found(message: str) -> ServiceError:
    return ServiceError(ErrorCode.NOT_FOUND, message)


# --- contracts -------------------------------------------------------------------------

def _date(data: dict[str, Any], name: str) -> date:
    value = data.get(name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise field_error(name, _("请填写日期（如 2026-01-01）")) from None


def _fen(data: dict[str, Any], name: str, *, required: bool = True) -> int:
    value = data.get(name)
    if value in (None, "") and not required:
        return 0
    try:
        fen = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise field_error(name, _("请填写金额（分，整数）")) from None
    if fen < 0 or (required and fen == 0 and name == "price_fen"):
        raise field_error(name, _("金额应大于 0"))
    return fen


@transaction.atomic
def contract_create(*, actor: Any, data: dict[str, Any]) -> Contract:
    """A contract with an organisation of the actor's region (county approver or
    administrator): 403 for another role, 422 naming the field, 409 for a number taken."""
    from jiuzhu.accounts.models import Organisation
    from jiuzhu.regions.models import Region

    _refuse(actor, "contracts.manage", None, _("只有县级审批人或管理员可以管理调查服务合同"))
    number = str(data.get("number") or "").strip()
    if not number:
        raise field_error("number", _("必填项"))
    organisation = Organisation.objects.visible_to(actor).filter(
        pk=data.get("organisation_id") or 0, active=True).first()
    if organisation is None:
        raise field_error("organisation_id", _("请选择本地区的机构"))
    region = Region.objects.filter(code=str(data.get("region_code") or "")).first() \
        if data.get("region_code") else getattr(actor, "region", None)
    if region is None or not visible_path(actor, region.path):
        raise field_error("region_code", _("地区不存在或不在您的辖区内"))
    starts_on, ends_on = _date(data, "starts_on"), _date(data, "ends_on")
    if ends_on < starts_on:
        raise field_error("ends_on", _("服务期结束不能早于开始"))
    price, advance = _fen(data, "price_fen"), _fen(data, "advance_fen", required=False)
    funding = str(data.get("funding_source") or FundingSource.BUDGET)
    if funding not in FundingSource.values:
        raise field_error("funding_source", _("资金来源不正确"))
    cap = data.get("cap")
    if cap in ("", None):
        cap = None
    else:
        try:
            cap = int(cap)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise field_error("cap", _("户数上限应为正整数")) from None
        if cap <= 0:
            raise field_error("cap", _("户数上限应为正整数"))
    if Contract.objects.filter(number=number).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("合同编号 %(number)s 已存在") % {"number": number},
                           [{"path": "number", "message": _("合同编号已存在")}])
    contract = Contract.objects.create(
        organisation=organisation, number=number, region=region, region_path=region.path,
        starts_on=starts_on, ends_on=ends_on, price_fen=price, advance_fen=advance,
        funding_source=funding, cap=cap, created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="create", obj=contract,
                 detail={"contract": number, "organisation": organisation.name,
                         "price_fen": price, "advance_fen": advance, "cap": cap})
    return contract


def contract_for(application: Any, organisation: Any, on: date) -> Contract | None:
    """The organisation's contract covering the case's region on ``on`` (the newest)."""
    for contract in (Contract.objects.select_related("region")
                     .filter(organisation=organisation, starts_on__lte=on, ends_on__gte=on)
                     .order_by("-starts_on", "-id")):
        if _covers(contract, application):
            return contract
    return None


def _covers(contract: Contract, application: Any) -> bool:
    """The case lies in the contract's region (its subtree)."""
    return type(application).objects.within(contract.region).filter(pk=application.pk).exists()


def organisations_offered(application: Any) -> list[Any]:
    """``applications.events.contracted_organisations``: the active organisations holding a
    contract that covers the case's region today."""
    today = timezone.localdate()
    seen: dict[int, Any] = {}
    for contract in (Contract.objects.select_related("organisation", "region")
                     .filter(starts_on__lte=today, ends_on__gte=today, organisation__active=True)
                     .order_by("organisation__name", "-starts_on")):
        if contract.organisation_id not in seen and _covers(contract, application):
            seen.setdefault(contract.organisation_id, contract.organisation)
    return list(seen.values())


# --- the case entrusted (hooks of applications' workflow) -----------------------------

def on_contracted(application: Any, *, organisation: Any, actor: Any) -> None:
    """Inside ``assign_investigation``: the case is entrusted to ``organisation``."""
    contract = contract_for(application, organisation, timezone.localdate())
    if contract is None:
        raise field_error("organisation_id", _("该机构没有覆盖本乡镇的有效调查合同"))
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.cap is not None and contract.investigations.exclude(
            state=St.WITHDRAWN).count() >= contract.cap:
        raise field_error("organisation_id", _("合同 %(number)s 已达户数上限 %(cap)s 户") % {
            "number": contract.number, "cap": contract.cap})
    existing = ContractedInvestigation.objects.filter(application=application).first()
    now = timezone.now()
    if existing is not None:  # taken back before, entrusted again
        if existing.settlement_id:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该户的调查已结算，不能再次委托"))
        investigation = existing
        investigation.contract, investigation.organisation = contract, organisation
        investigation.investigator = None
        investigation.state, investigation.assigned_at = St.ASSIGNED, now
        investigation.closed_at = None
        investigation.assigned_by = actor if getattr(actor, "pk", None) else None
        investigation.save()
    else:
        investigation = ContractedInvestigation.objects.create(
            application=application, contract=contract, organisation=organisation,
            region_path=application.region_path, assigned_at=now,
            assigned_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="create", obj=investigation,
                 detail={"action": "contract_assign", "application": application.number,
                         "organisation": organisation.name, "contract": contract.number})


def on_recorded(application: Any, *, actor: Any) -> None:
    """Inside ``record_investigation``: the organisation's report is in."""
    investigation = (ContractedInvestigation.objects.select_for_update()
                     .filter(application=application).first())
    if investigation is None or investigation.state not in OPEN_STATES:
        return
    investigation.state = St.REPORTED
    investigation.reported_at = timezone.now()
    investigation.report_count += 1
    investigation.save()
    audit_record(actor=actor, action="update", obj=investigation,
                 detail={"action": "contract_report", "application": application.number,
                         "report": investigation.report_count})


def _investigation(actor: Any, pk: int) -> ContractedInvestigation:
    investigation = (ContractedInvestigation.objects.visible_to(actor)
                     .select_related("application", "organisation").filter(pk=pk).first())
    if investigation is None:
        raise _not_found(_("委托调查不存在"))
    return ContractedInvestigation.objects.select_for_update(of=("self",)).select_related(
        "application", "organisation").get(pk=investigation.pk)


def _state_error(investigation: ContractedInvestigation, what: str) -> ServiceError:
    return ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("委托调查当前为“%(state)s”，不能%(what)s") % {
        "state": investigation.get_state_display(), "what": what})


@transaction.atomic
def assign_surveyor(*, actor: Any, investigation_id: int, surveyor_id: Any) -> ContractedInvestigation:
    """The coordinator assigns one of the organisation's surveyors (again, before the
    report, or after a return)."""
    from jiuzhu.accounts.models import User
    from jiuzhu.applications.services import investigation_investigator_set

    investigation = _investigation(actor, investigation_id)
    _refuse(actor, "contracts.assign_surveyor", investigation,
            _("只有受托机构的协调员可以指派调查员"))
    if investigation.state not in (St.ASSIGNED, St.INVESTIGATOR_ASSIGNED, St.RETURNED):
        raise _state_error(investigation, _("指派调查员"))
    try:
        surveyor_pk = int(surveyor_id)
    except (TypeError, ValueError):
        raise field_error("surveyor_id", _("请选择调查员")) from None
    surveyor = User.objects.filter(pk=surveyor_pk, role="surveyor", is_active=True,
                                   organisation=investigation.organisation_id).first()
    if surveyor is None:
        raise field_error("surveyor_id", _("请选择本机构的调查员"))
    investigation.investigator = surveyor
    if investigation.state != St.RETURNED:
        investigation.state = St.INVESTIGATOR_ASSIGNED
    investigation.investigator_assigned_at = timezone.now()
    investigation.save()
    investigation_investigator_set(application=investigation.application, user=surveyor,
                                   actor=actor)
    audit_record(actor=actor, action="update", obj=investigation,
                 detail={"action": "contract_surveyor", "surveyor": str(surveyor)})
    return investigation


@transaction.atomic
def accept(*, actor: Any, investigation_id: int, today: date | None = None) -> ContractedInvestigation:
    """The township accepts the report: billed once, in the next settlement; the
    organisation's users no longer see the case."""
    investigation = _investigation(actor, investigation_id)
    _refuse(actor, "contracts.review", investigation, _("只有乡镇审核人可以验收调查报告"))
    if investigation.state != St.REPORTED:
        raise _state_error(investigation, _("验收"))
    now = timezone.now()
    investigation.state, investigation.accepted_at = St.ACCEPTED, now
    investigation.accepted_on = today or timezone.localdate()
    investigation.accepted_by = actor if getattr(actor, "pk", None) else None
    investigation.save()
    audit_record(actor=actor, action="update", obj=investigation,
                 detail={"action": "contract_accept", "application": investigation.application.number})
    return investigation


def _reason(reason: Any) -> str:
    text = str(reason or "").strip()
    if not text:
        raise field_error("reason", _("请填写理由"))
    if len(text) > 1000:
        raise field_error("reason", _("理由不超过 1000 字"))
    return text


@transaction.atomic
def return_report(*, actor: Any, investigation_id: int, reason: Any) -> ContractedInvestigation:
    """The township returns the report with a reason: the surveyor records it again (the
    case is billed once, whatever the rework). A settled investigation is locked (409)."""
    from jiuzhu.applications.services import investigation_reopen

    text = _reason(reason)
    investigation = _investigation(actor, investigation_id)
    _refuse(actor, "contracts.review", investigation, _("只有乡镇审核人可以退回调查报告"))
    if investigation.settlement_id or investigation.state == St.SETTLED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该户的调查已结算锁定，不能退回"))
    if investigation.state not in (St.REPORTED, St.ACCEPTED):
        raise _state_error(investigation, _("退回"))
    investigation_reopen(application=investigation.application, actor=actor, reason=text)
    investigation.state = St.RETURNED
    investigation.returned_at, investigation.return_reason = timezone.now(), text
    investigation.return_count += 1
    investigation.accepted_at = investigation.accepted_on = None
    investigation.save()
    audit_record(actor=actor, action="update", obj=investigation,
                 detail={"action": "contract_return", "reason": text,
                         "application": investigation.application.number})
    return investigation


@transaction.atomic
def withdraw(*, actor: Any, investigation_id: int, reason: Any) -> ContractedInvestigation:
    """The township takes an open assignment back (the case may be assigned anew); the
    organisation's users no longer see it; nothing is billed."""
    from jiuzhu.applications.services import investigation_reopen

    text = _reason(reason)
    investigation = _investigation(actor, investigation_id)
    _refuse(actor, "contracts.review", investigation, _("只有乡镇审核人可以收回委托调查"))
    if investigation.state not in OPEN_STATES:
        raise _state_error(investigation, _("收回"))
    investigation_reopen(application=investigation.application, actor=actor, reason=text,
                         unassign=True)
    investigation.state, investigation.closed_at = St.WITHDRAWN, timezone.now()
    investigation.return_reason = text
    investigation.save()
    audit_record(actor=actor, action="update", obj=investigation,
                 detail={"action": "contract_withdraw", "reason": text})
    return investigation


# --- settlement ------------------------------------------------------------------------

def advance_left(contract: Contract) -> int:
    used = contract.settlements.aggregate(a=Sum("advance_applied_fen"), r=Sum("refund_fen"))
    return int(contract.advance_fen) - int(used["a"] or 0) - int(used["r"] or 0)


@transaction.atomic
def settle(*, actor: Any, contract_id: int, data: dict[str, Any]) -> Settlement:
    """Settle a period: every accepted, not yet settled investigation accepted up to the
    period's end × the price, against what is left of the advance → due to the
    organisation; the contract's last period refunds what is left. The investigations are
    locked (settled). 422 naming the field, 409 for a period already settled."""
    contract = Contract.objects.visible_to(actor).filter(pk=contract_id).first()
    if contract is None:
        raise _not_found(_("合同不存在"))
    _refuse(actor, "contracts.settle", contract, _("只有县级审批人或管理员可以结算"))
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    start, end = _date(data, "period_start"), _date(data, "period_end")
    if end < start:
        raise field_error("period_end", _("结算期结束不能早于开始"))
    if start < contract.starts_on or start > contract.ends_on:
        raise field_error("period_start", _("结算期应在合同服务期 %(start)s 至 %(end)s 内") % {
            "start": contract.starts_on.isoformat(), "end": contract.ends_on.isoformat()})
    if end > timezone.localdate():
        raise field_error("period_end", _("结算期尚未结束"))
    last = contract.settlements.order_by("-period_end").first()
    if last is not None and start <= last.period_end:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("%(end)s 及以前已结算，结算期应从其后开始") % {
            "end": last.period_end.isoformat()},
            [{"path": "period_start", "message": _("与已结算的期间重叠")}])
    billed = list(contract.investigations.select_for_update()
                  .filter(state=St.ACCEPTED, settlement__isnull=True, accepted_on__lte=end)
                  .select_related("application").order_by("pk"))
    # the price is per household: a household is billed once, whatever its cases or rework
    households = {i.application.household_id for i in billed}
    amount = len(households) * int(contract.price_fen)
    before = advance_left(contract)
    applied = min(before, amount)
    final = end >= contract.ends_on
    settlement = Settlement.objects.create(
        contract=contract, region_path=contract.region_path, period_start=start, period_end=end,
        accepted_count=len(households), price_fen=contract.price_fen, amount_fen=amount,
        advance_before_fen=before, advance_applied_fen=applied, due_fen=amount - applied,
        refund_fen=(before - applied) if final else 0, final=final, locked=True,
        created_by=actor if getattr(actor, "pk", None) else None)
    ContractedInvestigation.objects.filter(pk__in=[i.pk for i in billed]).update(
        state=St.SETTLED, settlement=settlement)
    audit_record(actor=actor, action="create", obj=settlement,
                 detail={"contract": contract.number, "period": [start.isoformat(), end.isoformat()],
                         "accepted": len(households), "amount_fen": amount,
                         "due_fen": settlement.due_fen, "refund_fen": settlement.refund_fen})
    return settlement
