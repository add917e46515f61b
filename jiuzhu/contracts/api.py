"""The contracts API (routes with their full paths under /api/v1): contracts, and the
settlement of a period. 403 for a role, 404 outside the region (or for an outside user),
409 for a period already settled or a number taken, 422 naming the field."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import selectors, services
from .models import Contract, Settlement
from .schemas import ContractIn, ContractOut, PeriodIn, SettlementOut

router = Router(tags=["contracts"])


def contract_to_dict(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk, "number": contract.number, "organisation_id": contract.organisation_id,
        "organisation": contract.organisation.name, "region_code": contract.region.code,
        "starts_on": contract.starts_on.isoformat(), "ends_on": contract.ends_on.isoformat(),
        "price_fen": int(contract.price_fen), "advance_fen": int(contract.advance_fen),
        "advance_left_fen": services.advance_left(contract),
        "funding_source": contract.funding_source, "cap": contract.cap,
        "investigations": contract.investigations.exclude(state="withdrawn").count(),
        "settlements": list(contract.settlements.order_by("period_start").values_list("pk", flat=True)),
    }


def settlement_to_dict(item: Settlement) -> dict[str, Any]:
    return {
        "id": item.pk, "contract_id": item.contract_id, "contract": item.contract.number,
        "period_start": item.period_start.isoformat(), "period_end": item.period_end.isoformat(),
        **{k: int(getattr(item, k)) for k in (
            "accepted_count", "price_fen", "amount_fen", "advance_before_fen",
            "advance_applied_fen", "due_fen", "refund_fen", "advance_after_fen")},
        "final": item.final, "locked": item.locked,
        "households": [{"application": r.number, "head_name": r.head_name, "village": r.village,
                        "accepted_on": r.accepted_on.isoformat() if r.accepted_on else None,
                        "returns": r.returns} for r in selectors.statement_rows(item)],
    }


def _viewer(user: Any, obj: Any = None) -> None:
    if getattr(user, "is_outside", False):
        raise ServiceError(ErrorCode.NOT_FOUND, _("合同不存在"))
    if not user.has_perm("contracts.view", obj):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能查看调查服务合同"))


@router.get("/contracts", response={200: list[ContractOut], **refusals(403)},
            summary="调查服务合同 Contracts of home investigation")
def list_contracts(request):
    _viewer(request.auth)
    return [contract_to_dict(c) for c in selectors.contracts_visible_to(request.auth)[:500]]


@router.post("/contracts", response={201: ContractOut, **refusals(403, 409, 422)},
             summary="登记合同 Register a contract")
def create_contract(request, payload: ContractIn):
    contract = services.contract_create(actor=request.auth, data=payload.dict())
    return Status(201, contract_to_dict(contract))


@router.get("/contracts/{int:contract_id}", response={200: ContractOut, **refusals(403, 404)},
            summary="合同详情")
def get_contract(request, contract_id: int):
    if getattr(request.auth, "is_outside", False):
        raise ServiceError(ErrorCode.NOT_FOUND, _("合同不存在"))
    contract = selectors.contract_get(user=request.auth, pk=contract_id)
    _viewer(request.auth, contract)
    return contract_to_dict(contract)


@router.post("/contracts/{int:contract_id}/settlements",
             response={201: SettlementOut, **refusals(403, 404, 409, 422)},
             summary="结算一期 Settle a period")
def settle(request, contract_id: int, payload: PeriodIn):
    settlement = services.settle(actor=request.auth, contract_id=contract_id,
                                 data=payload.dict())
    return Status(201, settlement_to_dict(settlement))


@router.get("/settlements/{int:settlement_id}", response={200: SettlementOut, **refusals(403, 404)},
            summary="结算单 A settlement statement")
def get_settlement(request, settlement_id: int):
    if getattr(request.auth, "is_outside", False):
        raise ServiceError(ErrorCode.NOT_FOUND, _("结算不存在"))
    item = selectors.settlement_get(user=request.auth, pk=settlement_id)
    _viewer(request.auth, item)
    audit_read(request, item, via="api")
    return settlement_to_dict(item)
