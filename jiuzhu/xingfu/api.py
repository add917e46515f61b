"""The 幸福云 API (routes with their full paths under /api/v1): needs (list, post, read,
accept) and orders (check in, check out, confirm). 403 for a role, 404 outside what the user
may see (a provider sees only the needs offered to them), 409 for a step not possible in the
state (a need another provider accepted first), 422 naming the field."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import refusals

from . import services
from .models import Order, ServiceNeed
from .schemas import ConfirmBody, LocationBody, NeedIn, NeedListOut, NeedOut, OrderOut
from .selectors import need_get, needs_visible_to, village_name
from .workflow import roll_if_due


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def sees_address(user: Any, need: ServiceNeed) -> bool:
    """Staff of the area, the social worker or station keeper who posted it, or the provider
    user who holds the need's order."""
    if user.has_perm("xingfu.view_needs") or need.posted_by_id == user.pk:
        return True
    order = Order.objects.filter(need=need).select_related("provider").first()
    return order is not None and order.provider.user_id == user.pk


def need_to_dict(need: ServiceNeed, user: Any) -> dict[str, Any]:
    full = sees_address(user, need)
    staff = user.has_perm("xingfu.view_needs")
    order = Order.objects.filter(need=need).only("id").first()
    out: dict[str, Any] = {
        "id": need.pk, "number": need.number, "skill": need.skill,
        "skill_label": need.get_skill_display(), "description": need.description,
        "village": village_name(need), "starts_at": _iso(need.starts_at),
        "ends_at": _iso(need.ends_at), "state": need.state,
        "state_label": need.get_state_display(), "round": need.round,
        "address": need.address if full else None, "phone": need.phone if full else None,
        "household": need.household.head_name if full else None,
        "order_id": order.pk if order is not None and full else None,
        "station_id": need.station_id if full else None,
        "social_case_id": need.social_case_id if full else None, "offers": None}
    if staff:
        out["offers"] = [{"id": o.pk, "provider": o.provider.name, "round": o.round,
                          "rank": o.rank, "reason": o.reason, "offered_at": _iso(o.offered_at),
                          "expires_at": _iso(o.expires_at), "answer": o.answer}
                         for o in need.offers.select_related("provider")]
    return out


def order_to_dict(order: Order) -> dict[str, Any]:
    need = order.need
    return {"id": order.pk, "need_id": need.pk, "state": need.state,
            "provider": order.provider.name, "accepted_at": _iso(order.accepted_at),
            "check_in_at": _iso(order.check_in_at), "check_out_at": _iso(order.check_out_at),
            "minutes": order.minutes, "rating": order.rating, "points": order.points,
            "address": need.address, "phone": need.phone}


router = Router(tags=["幸福云 xingfu"])


@router.get("/needs", response={200: NeedListOut, **refusals(403, 422)},
            summary="服务需求 Needs")
def list_needs(request, state: str = "", skill: str = "", page: int = 1):
    """Staff: the needs of their area; a provider: the needs offered to them (village only
    until they hold the order). Newest first, 50 a page."""
    user = request.auth
    qs = needs_visible_to(user, state=state, skill=skill)
    count = qs.count()
    start = max(page - 1, 0) * 50
    items = []
    for need in qs[start:start + 50]:
        roll_if_due(need, timezone.now())
        items.append(need_to_dict(need, user))
    return {"count": count, "items": items}


@router.post("/needs", response={201: NeedOut, **refusals(400, 403, 404, 422)},
             summary="发布服务需求 Post a need")
def create_need(request, payload: NeedIn):
    """Body: `household_id` (staff of the family's area) — or `social_case_id` (a social
    worker: one of their open cases) or `lead_id` (a station keeper: a lead of their
    station, linked to a family); any other family is 404 —, `skill`, `description`,
    `starts_at`, `ends_at`; optional
    `address`, `phone`, `latitude`, `longitude`, `publish` (default true: matching offers
    the top 5 at once). → 201 the need with its offers and their reasons."""
    data = payload.dict()
    need = services.need_create(actor=request.auth, data=data, publish=data.pop("publish"))
    return Status(201, need_to_dict(need_get(user=request.auth, pk=need.pk), request.auth))


@router.get("/needs/{int:need_id}", response={200: NeedOut, **refusals(404)},
            summary="服务需求详情")
def get_need(request, need_id: int):
    need = need_get(user=request.auth, pk=need_id)
    if sees_address(request.auth, need):
        audit_read(request, need, via="api")
    return need_to_dict(need, request.auth)


@router.post("/needs/{int:need_id}/accept",
             response={200: OrderOut, **refusals(403, 404, 409)}, summary="接单 Accept")
def accept_need(request, need_id: int):
    """A provider with an open offer accepts: the first one gets the order (exactly once);
    later accepts get 409 `step_not_allowed`."""
    order = services.accept(actor=request.auth, need=need_id)
    return order_to_dict(Order.objects.select_related("need", "provider").get(pk=order.pk))


def _order_step(request: Any, order_id: int, action: str, data: dict[str, Any]) -> dict[str, Any]:
    order = services.order_act(actor=request.auth, order=order_id, action=action,
                               data={k: v for k, v in data.items() if v is not None})
    return order_to_dict(order)


@router.post("/orders/{int:order_id}/check_in",
             response={200: OrderOut, **refusals(403, 404, 409, 422)}, summary="签到 Check in")
def check_in(request, order_id: int, payload: LocationBody | None = None):
    return _order_step(request, order_id, "check_in", (payload or LocationBody()).dict())


@router.post("/orders/{int:order_id}/check_out",
             response={200: OrderOut, **refusals(403, 404, 409, 422)}, summary="签退 Check out")
def check_out(request, order_id: int, payload: LocationBody | None = None):
    return _order_step(request, order_id, "check_out", (payload or LocationBody()).dict())


@router.post("/orders/{int:order_id}/confirm",
             response={200: OrderOut, **refusals(403, 404, 409, 422)},
             summary="确认并评价 Confirm and rate")
def confirm(request, order_id: int, payload: ConfirmBody):
    """Body `{"rating": 1–5, "comment"}` (the family's grid worker, or staff): points are
    issued for the hours (counted in half hours)."""
    return _order_step(request, order_id, "confirm", payload.dict())
