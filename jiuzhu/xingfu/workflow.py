"""The transition table of a service need and its order (服务需求办理流程表).

    draft ──publish──▶ offered ──accept──▶ accepted ──check_in──▶ in_service
                         │  ▲                                        │
             roll/decline│  │roll (next 5)                     check_out
                         ▼  │                                        ▼
                    back_to_staff ──rematch──▶ offered     done ──confirm──▶ confirmed
    cancel: draft, offered, accepted, back_to_staff → cancelled

``NEED_WORKFLOW.perform`` locks the need (``SELECT … FOR UPDATE``) before it checks the
state, so of two providers accepting at the same second the second waits and then finds the
need accepted (409): the order is given exactly once (the one-to-one ``Order.need`` is the
database's own guarantee behind it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import rules  # noqa: F401  (the permissions of rules.py must be registered)
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import ConfigDict, Field

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.workflow import Action, Context, Workflow
from jiuzhu.points.services import issue_for_service

from . import matching
from . import rules as _rules  # noqa: F401
from .choices import (
    OFFER_HOURS,
    OFFERS_PER_ROUND,
    OPEN_ORDER_STATES,
    ROUNDS,
    NeedState,
    OfferAnswer,
    ProviderKind,
)
from .models import NeedStep, Offer, Order, Provider, ServiceNeed

S = NeedState


class _In(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class LocationIn(_In):
    """签到/签退: where the phone was (optional: the browser may not give it)."""

    latitude: Decimal | None = Field(None, ge=-90, le=90, title=gettext_noop("纬度"))
    longitude: Decimal | None = Field(None, ge=-180, le=180, title=gettext_noop("经度"))


class ConfirmIn(_In):
    """确认服务并评价: rating 1–5."""

    rating: int = Field(ge=1, le=5, title=gettext_noop("评分"))
    comment: str = Field("", max_length=200, title=gettext_noop("评价"))


class ReasonIn(_In):
    reason: str = Field(min_length=1, max_length=500, title=gettext_noop("理由"))


class DeclineIn(_In):
    reason: str = Field("", max_length=500, title=gettext_noop("理由"))


def _now(ctx: Context) -> datetime:
    return ctx.options.get("now") or timezone.now()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- matching rounds ------------------------------------------------------------------------

def candidates(need: ServiceNeed) -> list[matching.Candidate]:
    """Every candidate of ``need`` ranked (all providers, whatever their region: a provider
    serves where its regions served say)."""
    providers = [p for p in Provider.objects.filter(active=True).prefetch_related("regions_served")
                 if need.skill in (p.skills or [])]
    served = {p.pk: [r.path for r in p.regions_served.all()] for p in providers}
    open_orders = dict(Order.objects.filter(need__state__in=OPEN_ORDER_STATES)
                       .values_list("provider_id").annotate(n=Count("id")))
    busy = set(Order.objects.filter(
        need__state__in=OPEN_ORDER_STATES, need__starts_at__lt=need.ends_at,
        need__ends_at__gt=need.starts_at).exclude(need=need).values_list("provider_id", flat=True))
    return matching.rank(need, providers, served=served, open_orders=open_orders, busy=busy)


def open_round(need: ServiceNeed, now: datetime) -> bool:
    """Offer the need to the next 5 candidates not offered yet (round + 1); False when
    there is none (or the rounds are used up): the need goes back to staff."""
    if need.round >= ROUNDS:
        return False
    offered = set(need.offers.values_list("provider_id", flat=True))
    ranked = [c for c in candidates(need) if c.provider.pk not in offered]
    chosen = ranked[:OFFERS_PER_ROUND]
    if not chosen:
        return False
    need.round += 1
    start = len(offered)
    Offer.objects.bulk_create([
        Offer(need=need, provider=c.provider, region_path=need.region_path, round=need.round,
              rank=start + i + 1, reason=c.reason[:300], offered_at=now,
              expires_at=now + timedelta(hours=OFFER_HOURS))
        for i, c in enumerate(chosen)])
    return True


def _publish(ctx: Context) -> None:
    need = ctx.obj
    ctx.outcome = S.OFFERED if open_round(need, _now(ctx)) else S.BACK_TO_STAFF
    if ctx.outcome == S.BACK_TO_STAFF:
        need.note = _("没有符合条件的服务商")


def _rematch(ctx: Context) -> None:
    need = ctx.obj
    need.round = 0
    _publish(ctx)


def _pending(need: ServiceNeed) -> Any:
    return need.offers.filter(answer=OfferAnswer.PENDING)


def _roll_due(ctx: Context) -> None:
    need, now = ctx.obj, _now(ctx)
    if _pending(need).filter(expires_at__gt=now).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("本轮派单尚未到期"))


def _roll(ctx: Context) -> None:
    need, now = ctx.obj, _now(ctx)
    _pending(need).update(answer=OfferAnswer.EXPIRED, answered_at=now)
    rolled = need.round < ROUNDS and open_round(need, now)
    ctx.outcome = S.OFFERED if rolled else S.BACK_TO_STAFF
    if not rolled:
        need.note = _("派单 %(n)s 轮无人接单，退回工作人员") % {"n": need.round}


def my_offer(need: ServiceNeed, actor: Any, now: datetime) -> Offer:
    """The actor's open offer on the need (409 when it has none or it expired)."""
    offer = (need.offers.select_related("provider")
             .filter(provider__user_id=getattr(actor, "pk", None) or 0,
                     answer=OfferAnswer.PENDING).first())
    if offer is None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("您没有这条需求的待答复派单"))
    if offer.expires_at <= now:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("派单已过期"))
    return offer


def _accept_guard(ctx: Context) -> None:
    ctx.options["offer"] = my_offer(ctx.obj, ctx.actor, _now(ctx))


def _accept(ctx: Context) -> None:
    need, now, offer = ctx.obj, _now(ctx), ctx.options["offer"]
    Offer.objects.filter(pk=offer.pk).update(answer=OfferAnswer.ACCEPTED, answered_at=now)
    _pending(need).exclude(pk=offer.pk).update(answer=OfferAnswer.TAKEN, answered_at=now)
    ctx.options["order"] = Order.objects.create(
        need=need, provider=offer.provider, region_path=need.region_path, accepted_at=now,
        accepted_by=_user(ctx.actor))
    ctx.options["detail"] = {"provider": offer.provider.name}


def _decline_guard(ctx: Context) -> None:
    ctx.options["offer"] = my_offer(ctx.obj, ctx.actor, _now(ctx))


def _decline(ctx: Context) -> None:
    need, now, offer = ctx.obj, _now(ctx), ctx.options["offer"]
    Offer.objects.filter(pk=offer.pk).update(answer=OfferAnswer.DECLINED, answered_at=now)
    ctx.outcome = S.OFFERED
    if not _pending(need).exists():  # everyone of the round said no: the next 5 at once
        _roll(ctx)


def _order(ctx: Context) -> Order:
    order = Order.objects.select_for_update().filter(need=ctx.obj).first()
    if order is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("服务工单不存在"))
    return order


def _location(order: Order, prefix: str, ctx: Context) -> None:
    setattr(order, f"{prefix}_at", _now(ctx))
    setattr(order, f"{prefix}_latitude", ctx.data.get("latitude"))
    setattr(order, f"{prefix}_longitude", ctx.data.get("longitude"))


def _check_in(ctx: Context) -> None:
    order = _order(ctx)
    _location(order, "check_in", ctx)
    order.save()


def _check_out(ctx: Context) -> None:
    order = _order(ctx)
    _location(order, "check_out", ctx)
    assert order.check_in_at is not None and order.check_out_at is not None
    order.minutes = max(0, int((order.check_out_at - order.check_in_at).total_seconds() // 60))
    order.save()


def issue_points(order: Order, actor: Any) -> int:
    """The one call site of the points ledger: a volunteer's confirmed hours become points
    (``points.services.issue_for_service``, idempotent per order; the rate — demo 10 a
    hour — and the counting in whole half hours are the points app's). A company's or an
    organisation's order earns none. Returns the points issued."""
    if order.provider.kind != ProviderKind.VOLUNTEER:
        return 0
    entry = issue_for_service(order_id=order.pk, provider=order.provider,
                              hours_half=order.half_hours, region=order.need.region,
                              actor=actor)
    return int(entry.amount) if entry is not None else 0


def _confirm(ctx: Context) -> None:
    order = _order(ctx)
    order.confirmed_at, order.confirmed_by = _now(ctx), _user(ctx.actor)
    order.rating, order.comment = ctx.data["rating"], ctx.data.get("comment", "")
    order.save()
    provider = Provider.objects.select_for_update().get(pk=order.provider_id)
    total = provider.rating * provider.ratings + order.rating
    provider.ratings += 1
    provider.rating = (Decimal(total) / provider.ratings).quantize(Decimal("0.01"))
    provider.save(update_fields=["rating", "ratings"])
    order.points = issue_points(order, ctx.actor)
    order.save(update_fields=["points"])
    ctx.options["detail"] = {"rating": order.rating, "minutes": order.minutes,
                             "points": order.points}


def _cancel(ctx: Context) -> None:
    need, now = ctx.obj, _now(ctx)
    _pending(need).update(answer=OfferAnswer.WITHDRAWN, answered_at=now)
    Order.objects.filter(need=need).delete()
    need.note = ctx.data["reason"]


def _by_outcome(ctx: Context) -> str:
    return str(ctx.outcome)


def _record(ctx: Context) -> None:
    need = ctx.obj
    detail = ctx.options.get("detail", {})
    NeedStep.objects.create(need=need, action=ctx.action.name, before=ctx.before,
                            after=ctx.target or ctx.before,
                            note=str(ctx.data.get("reason", "") or need.note),
                            actor=_user(ctx.actor),
                            actor_name=getattr(ctx.actor, "full_name", "")
                            or getattr(ctx.actor, "username", ""))
    audit_record(actor=ctx.actor, action="update", obj=need,
                 detail={"need": need.number, "action": ctx.action.name, "from": ctx.before,
                         "to": ctx.target, **detail})


NEED_WORKFLOW = Workflow(
    name="xingfu", model=ServiceNeed, states=NeedState.values,
    not_found=gettext_noop("服务需求不存在"), record=_record,
    actions=[
        Action("publish", gettext_noop("发布并派单"), source=(S.DRAFT,), target=_by_outcome,
               targets=(S.OFFERED, S.BACK_TO_STAFF), permission="xingfu.post_need",
               handler=_publish),
        Action("accept", gettext_noop("接单"), source=(S.OFFERED,), target=S.ACCEPTED,
               permission="xingfu.answer_offer", guards=(_accept_guard,), handler=_accept),
        Action("decline", gettext_noop("谢绝"), source=(S.OFFERED,), target=_by_outcome,
               targets=(S.OFFERED, S.BACK_TO_STAFF), permission="xingfu.answer_offer",
               schema=DeclineIn, guards=(_decline_guard,), handler=_decline),
        Action("roll", gettext_noop("轮转派单"), source=(S.OFFERED,), target=_by_outcome,
               targets=(S.OFFERED, S.BACK_TO_STAFF), permission="xingfu.roll",
               guards=(_roll_due,), handler=_roll),
        Action("rematch", gettext_noop("重新匹配"), source=(S.BACK_TO_STAFF,),
               target=_by_outcome, targets=(S.OFFERED, S.BACK_TO_STAFF),
               permission="xingfu.post_need", handler=_rematch),
        Action("check_in", gettext_noop("签到"), source=(S.ACCEPTED,), target=S.IN_SERVICE,
               permission="xingfu.serve", schema=LocationIn, handler=_check_in),
        Action("check_out", gettext_noop("签退"), source=(S.IN_SERVICE,), target=S.DONE,
               permission="xingfu.serve", schema=LocationIn, handler=_check_out),
        Action("confirm", gettext_noop("确认并评价"), source=(S.DONE,), target=S.CONFIRMED,
               permission="xingfu.confirm", schema=ConfirmIn, handler=_confirm),
        Action("cancel", gettext_noop("取消需求"),
               source=(S.DRAFT, S.OFFERED, S.ACCEPTED, S.BACK_TO_STAFF), target=S.CANCELLED,
               permission="xingfu.post_need", schema=ReasonIn, handler=_cancel),
    ],
)


def roll_expired(now: datetime | None = None) -> int:
    """Roll every need whose round of offers has expired (the daily job and the periodic
    task); returns how many were rolled."""
    now = now or timezone.now()
    due = (ServiceNeed.objects.filter(state=S.OFFERED)
           .exclude(offers__answer=OfferAnswer.PENDING, offers__expires_at__gt=now)
           .values_list("pk", flat=True))
    count = 0
    for pk in list(due):
        try:
            NEED_WORKFLOW.perform(actor=SYSTEM, obj=pk, action="roll", now=now)
            count += 1
        except ServiceError:
            continue
    return count


def roll_if_due(need: ServiceNeed, now: datetime | None = None) -> ServiceNeed:
    """Roll the need now if its round expired (read lazily: a page or API read)."""
    now = now or timezone.now()
    if need.state != S.OFFERED or need.offers.filter(
            Q(answer=OfferAnswer.PENDING) & Q(expires_at__gt=now)).exists():
        return need
    try:
        NEED_WORKFLOW.perform(actor=SYSTEM, obj=need.pk, action="roll", now=now)
    except ServiceError:
        return need
    need.refresh_from_db()
    return need
