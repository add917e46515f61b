"""What users of outside organisations see of the points app (``organisation`` scopes):
a volunteer (志愿者/服务商) their own account, its entries and their own redemptions; the
keeper of a love station with a supermarket point the supermarket's goods, stock moves
and redemptions in their region. Nothing else: no family account, no household."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jiuzhu.accounts.choices import Role

NOTHING = Q(pk__in=[])
#: Everything within the subtree (an empty ``Q()`` would vanish in the scopes' OR).
ALL = Q(pk__isnull=False)


def _keeper(user: Any) -> bool:
    from .rules import keeps_supermarket_station

    return getattr(user, "role", "") == Role.STATION_KEEPER and bool(
        keeps_supermarket_station(user))


def own_accounts(user: Any) -> Q:
    if getattr(user, "role", "") != Role.PROVIDER or not getattr(user, "pk", None):
        return NOTHING
    return Q(user_id=user.pk, kind="volunteer")


def own_entries(user: Any) -> Q:
    if getattr(user, "role", "") != Role.PROVIDER or not getattr(user, "pk", None):
        return NOTHING
    return Q(debit__user_id=user.pk) | Q(credit__user_id=user.pk)


def own_redemptions(user: Any) -> Q:
    if _keeper(user):
        return ALL
    if getattr(user, "role", "") != Role.PROVIDER or not getattr(user, "pk", None):
        return NOTHING
    return Q(account__user_id=user.pk)


def counter(user: Any) -> Q:
    return ALL if _keeper(user) else NOTHING


def register() -> None:
    from jiuzhu.core.access import register_scope

    register_scope("points.PointAccount", "organisation", own_accounts)
    register_scope("points.PointEntry", "organisation", own_entries)
    register_scope("points.Redemption", "organisation", own_redemptions)
    register_scope("points.Good", "organisation", counter)
    register_scope("points.StockMove", "organisation", counter)
