"""The funds API (mounted at ``/api/v1/funds``): the funds and reserves the user sees, and a
fund's ledger. A fund outside the user's region is 'not found' (404); a role that may not
see funds gets 403. The commitments endpoint (``POST /funds/{id}/commitments``) belongs to
the emergency app (it must see the case): its router is mounted on the same prefix."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.rules.money import format_fen

from .models import Fund, LedgerEntry
from .schemas import FundOut, LedgerOut
from .selectors import fund_get, funds_visible_to


def _may_view(user: Any) -> None:
    if not user.has_perm("funds.view"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能查看救急难基金"))


def fund_to_dict(fund: Fund) -> dict[str, Any]:
    return {"id": fund.pk, "name": fund.name, "region_code": fund.region.code,
            "balance": format_fen(fund.balance_fen), "available": format_fen(fund.available_fen)}


def entry_to_dict(entry: LedgerEntry) -> dict[str, Any]:
    return {"id": entry.pk, "kind": entry.kind, "amount": format_fen(entry.amount_fen),
            "on": entry.on, "voucher": entry.voucher, "case_id": entry.case_id}


def build_router() -> Router:
    router = Router(tags=["救急难基金 funds"])

    @router.get("", response={200: list[FundOut], **refusals(403)},
                summary="基金与备用金 Funds and reserves")
    def list_funds(request):
        """The funds and township reserves of the user's region, with balance and available
        amount (yuan, two decimals)."""
        _may_view(request.auth)
        return [fund_to_dict(f) for f in funds_visible_to(request.auth)]

    @router.get("/{int:fund_id}/ledger", response={200: LedgerOut, **refusals(403, 404)},
                summary="基金台账 A fund's ledger")
    def fund_ledger(request, fund_id: int):
        """Every entry of the fund, newest first; a reversing entry has the negated
        amount. Balance = Σ income + recovery − allocation − payment."""
        _may_view(request.auth)
        fund = fund_get(user=request.auth, pk=fund_id)
        audit_read(request, fund, via="api", what="fund_ledger")
        return {"balance": format_fen(fund.balance_fen),
                "available": format_fen(fund.available_fen),
                "entries": [entry_to_dict(e) for e in fund.entries.order_by("-on", "-id")]}

    return router


router = build_router()
