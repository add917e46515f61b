"""Who may open the points pages and take which step (predicates of ``rules``), asked by the
views, the API, the buttons and the services alike. Where: the services check that the
account or supermarket lies in the actor's subtree (``core.access.require``)."""

from __future__ import annotations

from typing import Any

import rules
from django.apps import apps

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_outside_member, is_staff_member

from .choices import COUNTER_STAFF, POINTS_VIEWERS, PRICE_SETTERS

#: The offering of a love station that makes it a supermarket point (stations' choice).
SUPERMARKET_OFFERING = "supermarket"


@rules.predicate
def keeps_supermarket_station(user: Any) -> bool:
    """A station keeper whose organisation hosts an active love station with a charity
    supermarket point (爱心超市点)."""
    org_id = getattr(user, "organisation_id", None)
    if not org_id:
        return False
    try:
        station_model = apps.get_model("stations", "LoveStation")
    except LookupError:  # pragma: no cover - the stations app is installed
        return False
    for offerings in station_model.objects.filter(host_id=org_id, active=True).values_list(
            "offerings", flat=True):
        if SUPERMARKET_OFFERING in (offerings or []):
            return True
    return False


is_volunteer = is_outside_member & has_role(Role.PROVIDER)
is_station_counter = is_outside_member & has_role(Role.STATION_KEEPER) & keeps_supermarket_station

# 积分账户、分录、超市、月报 (staff of the region)
rules.add_perm("points.view", is_staff_member & has_role(*POINTS_VIEWERS))
# 我的积分 (a volunteer: their own account only)
rules.add_perm("points.view_own", is_volunteer)
# 爱心超市 (the goods list): staff, and the keeper of a station with a supermarket point
rules.add_perm("points.view_supermarket",
               (is_staff_member & has_role(*POINTS_VIEWERS)) | is_station_counter)
# 兑换、捐赠入库 at the counter
rules.add_perm("points.run_counter",
               (is_staff_member & has_role(*COUNTER_STAFF)) | is_station_counter)
# 新增物品、调整积分价格
rules.add_perm("points.manage_goods", is_staff_member & has_role(*PRICE_SETTERS))
# 转赠 recorded by staff on a volunteer's behalf
rules.add_perm("points.transfer", is_staff_member & has_role(*COUNTER_STAFF))
# 转赠 by the volunteer themself (from their own account)
rules.add_perm("points.give_own", is_volunteer)
