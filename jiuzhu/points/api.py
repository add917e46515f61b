"""The points API (routes with their full paths under /api/v1): the summary over the user's
region, an account with its entries, transfers (转赠), redemptions at the counter, and the
supermarket's goods. An account or good outside what the user sees is 'not found' (404)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.access import get_visible
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.models import Household

from . import selectors, services
from .models import PointAccount, PointEntry, Redemption
from .schemas import (
    AccountOut,
    FamilyChoiceOut,
    GoodOut,
    RedemptionIn,
    RedemptionOut,
    SummaryOut,
    TransferIn,
    TransferOut,
)


def _forbidden() -> ServiceError:
    return ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能办理此事项"))


def account_get(user: Any, pk: int) -> PointAccount:
    """An account the user may see: staff of its region, a volunteer their own."""
    if not (user.has_perm("points.view") or user.has_perm("points.view_own")):
        raise _forbidden()
    account: PointAccount = get_visible(selectors.accounts_for(user), user, pk=pk,
                                        message=_("积分账户不存在"))
    return account


def entry_to_dict(entry: PointEntry, account: PointAccount, user: Any = None) -> dict[str, Any]:
    incoming = entry.credit_id == account.pk
    return {"id": entry.pk, "kind": entry.kind, "amount": entry.amount,
            "change": entry.amount if incoming else -entry.amount, "on": entry.on,
            "counterpart": selectors.counterpart_name(entry, account, user),
            "order_id": entry.order_id,
            "redemption_id": entry.redemption_id}


def redemption_to_dict(redemption: Redemption) -> dict[str, Any]:
    return {"id": redemption.pk, "account_id": redemption.account_id, "total": redemption.total,
            "balance": redemption.account.balance, "on": redemption.on,
            "lines": [{"good_id": m.good_id, "name": m.good.name, "quantity": m.quantity,
                       "points": m.points} for m in redemption.lines.select_related("good")]}


def _household_account(user: Any, household_id: int) -> PointAccount:
    household = get_visible(Household, user, pk=household_id, message=_("家庭不存在"))
    return services.family_account(household)


def build_router() -> Router:
    router = Router(tags=["公益积分与爱心超市 points"])

    @router.get("/points/summary", response={200: SummaryOut, **refusals(403)},
                summary="积分总览 Points summary")
    def points_summary(request):
        """Over the ledgers of the user's region (points are kept per county): `issued`,
        `redeemed`, `balances_total` (volunteers + families + supermarkets); always
        issued − redeemed = balances_total."""
        if not request.auth.has_perm("points.view"):
            raise _forbidden()
        return selectors.summary(request.auth)

    @router.get("/points/accounts/{int:account_id}",
                response={200: AccountOut, **refusals(403, 404)},
                summary="积分账户 An account and its entries")
    def get_account(request, account_id: int):
        """The account's balance and every entry, newest first (`change` signed for the
        account). Staff of its region; a volunteer only their own account."""
        account = account_get(request.auth, account_id)
        audit_read(request, account, via="api", what="point_account")
        return {"id": account.pk, "kind": account.kind, "name": account.name,
                "region_code": account.region.code, "balance": account.balance,
                "entries": [entry_to_dict(e, account, request.auth)
                            for e in selectors.entries_of(account)]}

    @router.get("/points/accounts/{int:account_id}/families",
                response={200: list[FamilyChoiceOut], **refusals(403, 404)},
                summary="可转赠的家庭 Families a volunteer may give to")
    def transfer_families(request, account_id: int):
        """The families the volunteer of the account served (a confirmed 幸福云 order): the
        only ones a transfer may go to. Name and village only (`household_id` is the id to
        send as `target_household_id`), never an ID number."""
        user = request.auth
        if not (user.has_perm("points.transfer") or user.has_perm("points.give_own")):
            raise _forbidden()
        source = PointAccount.objects.filter(pk=account_id).first()
        if source is None or not (source.user_id == user.pk or (
                user.has_perm("points.transfer")
                and PointAccount.objects.visible_to(user).filter(pk=source.pk).exists())):
            raise ServiceError(ErrorCode.NOT_FOUND, _("积分账户不存在"))
        return [{"household_id": h.pk, "name": h.head_name, "village": h.region.name}
                for h in services.served_families(source)]

    @router.post("/points/transfers", response={201: TransferOut, **refusals(403, 404, 409, 422)},
                 summary="转赠 A volunteer gives points to a family")
    def create_transfer(request, payload: TransferIn):
        """Body: `source_account_id` (a volunteer's account: the volunteer's own, or any of
        the region for counter staff), `target_account_id` (a family's account) or
        `target_household_id` (opens the family's account; staff: a family of their area),
        `amount`, `note`. The family must be one the volunteer served (a confirmed 幸福云
        order: `GET /points/accounts/{id}/families`), else 422 naming the field.
        409 `insufficient_funds` when the volunteer is short (the message names the
        balance); nothing changes."""
        user = request.auth
        if not (user.has_perm("points.transfer") or user.has_perm("points.give_own")):
            raise _forbidden()
        source = PointAccount.objects.filter(pk=payload.source_account_id).first()
        if source is None or not (source.user_id == user.pk or user.has_perm("points.transfer")):
            raise ServiceError(ErrorCode.NOT_FOUND, _("积分账户不存在"),
                               [{"path": "source_account_id", "message": _("积分账户不存在")}])
        if payload.target_household_id is not None:
            # staff: a family of their area; the volunteer: one of the families they served
            # (``GET /points/accounts/{id}/families``) — any other is refused naming the field
            if user.has_perm("points.transfer"):
                target: Any = get_visible(Household, user, pk=payload.target_household_id,
                                          message=_("家庭不存在"))
            else:
                target = next((h for h in services.served_families(source)
                               if h.pk == payload.target_household_id), None)
                if target is None:
                    message = _("只能转赠给您服务过的家庭（有已确认的幸福云服务）")
                    raise ServiceError(ErrorCode.VALIDATION, message,
                                       [{"path": "target_household_id", "message": message}])
        elif payload.target_account_id is not None:
            target = payload.target_account_id
        else:
            raise ServiceError(ErrorCode.VALIDATION, _("请选择受赠家庭"),
                               [{"path": "target_account_id", "message": _("请选择受赠家庭")}])
        entry = services.transfer(actor=user, source=source, target=target,
                                  amount=payload.amount, note=payload.note)
        return Status(201, {"id": entry.pk, "amount": entry.amount,
                            "source_account_id": entry.debit_id,
                            "source_balance": entry.debit.balance,
                            "target_account_id": entry.credit_id})

    @router.post("/points/redemptions",
                 response={201: RedemptionOut, **refusals(403, 404, 409, 422)},
                 summary="兑换 Redeem goods at the supermarket counter")
    def create_redemption(request, payload: RedemptionIn):
        """Body: `account_id` (a family's or a volunteer's account) or `household_id`
        (staff), `lines` [{`good_id`, `quantity`}] of one supermarket. Points and stock
        are taken in one transaction; 409 `insufficient_funds` when the points or a good's
        stock is short (each named in `errors`), and nothing changes."""
        user = request.auth
        if not user.has_perm("points.run_counter"):
            raise _forbidden()
        if payload.household_id is not None:
            account: Any = _household_account(user, payload.household_id)
        elif payload.account_id is not None:
            account = payload.account_id
        else:
            raise ServiceError(ErrorCode.VALIDATION, _("请选择兑换的积分账户"),
                               [{"path": "account_id", "message": _("请选择兑换的积分账户")}])
        redemption = services.redeem(
            actor=user, account=account,
            lines=[{"good": line.good_id, "quantity": line.quantity} for line in payload.lines])
        return Status(201, redemption_to_dict(
            Redemption.objects.select_related("account").get(pk=redemption.pk)))

    @router.get("/supermarket/goods", response={200: list[GoodOut], **refusals(403)},
                summary="爱心超市物品 The supermarket's goods")
    def list_goods(request):
        """The goods of the supermarkets the user sees, with points price and stock."""
        if not request.auth.has_perm("points.view_supermarket"):
            raise _forbidden()
        return [{"id": g.pk, "name": g.name, "unit": g.unit, "price": g.price,
                 "stock": g.stock, "region_code": g.region.code, "region_name": g.region.name}
                for g in selectors.goods_for(request.auth).filter(active=True)]

    return router


router = build_router()
