"""Reads of 幸福云, always through ``visible_to``: staff see the needs, offers, orders and
providers of their subtree; a provider user sees (by the organisation scopes registered in
``apps.py``) only the offers made to them and their orders, and the needs through them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiuzhu.accounts.choices import Role
from jiuzhu.core.access import get_visible

from .choices import NeedState, OfferAnswer
from .models import Offer, Order, Provider, ServiceNeed
from .workflow import roll_if_due


def my_providers(user: Any) -> QuerySet[Provider]:
    """The provider rows a provider user acts for: their own, or their organisation's
    (a company's or an organisation's users)."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return Provider.objects.none()
    condition = Q(user_id=pk)
    org = getattr(user, "organisation_id", None)
    if org:
        condition |= Q(organisation_id=org, user__isnull=True)
    return Provider.objects.filter(condition)


# --- organisation scopes (registered in apps.py) -----------------------------------------

def provider_scope(user: Any) -> Q:
    return Q(pk__in=my_providers(user).values("pk"))


def offer_scope(user: Any) -> Q:
    return Q(provider__in=my_providers(user).values("pk"))


def order_scope(user: Any) -> Q:
    return Q(provider__in=my_providers(user).values("pk"))


def need_scope(user: Any) -> Q:
    """A provider: the needs offered to them or ordered from them; a social worker or a
    station keeper: the needs they posted, the needs of their cases, of their station."""
    mine = my_providers(user).values("pk")
    scope = (Q(pk__in=Offer.objects.filter(provider__in=mine).values("need_id"))
             | Q(pk__in=Order.objects.filter(provider__in=mine).values("need_id")))
    pk = getattr(user, "pk", None)
    if pk is None:
        return scope
    scope |= Q(posted_by_id=pk)
    role, org = getattr(user, "role", ""), getattr(user, "organisation_id", None)
    if role == Role.SOCIAL_WORKER:
        scope |= Q(social_case__social_worker_id=pk)
    elif role == Role.STATION_KEEPER and org:
        scope |= Q(station__host_id=org)
    return scope


def posted_needs(user: Any, **lookup: Any) -> QuerySet[ServiceNeed]:
    """Needs the user may see filtered by ``lookup`` (a case's, a station's), newest first,
    with their order's provider — what the case and station pages list."""
    return (ServiceNeed.objects.visible_to(user).filter(**lookup)
            .select_related("order__provider", "region").order_by("-created_at", "-id"))


# --- staff ----------------------------------------------------------------------------------

def needs_visible_to(user: Any, *, state: str = "", skill: str = "") -> QuerySet[ServiceNeed]:
    qs = (ServiceNeed.objects.visible_to(user)
          .select_related("household", "region", "order__provider", "posted_by"))
    if state:
        qs = qs.filter(state=state)
    if skill:
        qs = qs.filter(skill=skill)
    return qs


def need_get(*, user: Any, pk: int) -> ServiceNeed:
    """One need the user may see (404 otherwise); rolls its offers first when they expired."""
    need = get_visible(ServiceNeed, user, message=_not_found(), pk=pk)
    roll_if_due(need)
    return get_visible(ServiceNeed.objects.select_related("household", "region"), user,
                       message=_not_found(), pk=pk)


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("服务需求不存在")


def providers_visible_to(user: Any) -> QuerySet[Provider]:
    return (Provider.objects.visible_to(user).select_related("region", "organisation", "user")
            .prefetch_related("regions_served"))


def order_get(*, user: Any, pk: int) -> Order:
    from django.utils.translation import gettext as _

    return get_visible(Order.objects.select_related("need__household", "need__region",
                                                    "provider"),
                       user, message=_("服务工单不存在"), pk=pk)


# --- providers ------------------------------------------------------------------------------

def my_open_offers(user: Any) -> list[Offer]:
    """The provider user's offers still to answer (rolled lazily when expired)."""
    now = timezone.now()
    offers = list(Offer.objects.visible_to(user).filter(answer=OfferAnswer.PENDING,
                                                        need__state=NeedState.OFFERED)
                  .select_related("need__region", "provider"))
    out = []
    for offer in offers:
        if offer.expires_at <= now:
            roll_if_due(offer.need, now)
            continue
        out.append(offer)
    return out


def my_orders(user: Any) -> QuerySet[Order]:
    return (Order.objects.visible_to(user).select_related("need__region", "provider")
            .order_by("-accepted_at"))


def to_confirm(user: Any) -> QuerySet[Order]:
    """Orders checked out and waiting for the family's confirmation, in the user's area
    (a grid worker's grids included)."""
    return (Order.objects.visible_to(user).filter(need__state=NeedState.DONE)
            .select_related("need__household", "need__region", "provider"))


def village_name(need: ServiceNeed) -> str:
    """The need's village (村/社区) — all a provider sees of where it is before accepting."""
    region: Any = need.region
    while region is not None and region.level not in ("village", "township"):
        region = region.parent
    return region.name if region is not None else need.region.name


def served_household_ids(account: Any) -> set[int]:
    """The households a volunteer's points account served: confirmed orders of its provider
    (``provider:<id>`` accounts) or of the provider the account's user is. Registered with
    ``points.services.register_served_families`` (转赠 goes only to them)."""
    condition = Q(pk__in=[])
    key = str(getattr(account, "holder_key", ""))
    if key.startswith("provider:") and key[len("provider:"):].isdigit():
        condition |= Q(provider_id=int(key[len("provider:"):]))
    if getattr(account, "user_id", None):
        condition |= Q(provider__user_id=account.user_id)
    return set(Order.objects.filter(condition, confirmed_at__isnull=False)
               .values_list("need__household_id", flat=True))
