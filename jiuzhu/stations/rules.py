"""Who may open which love-station page and take which step (predicates of ``rules``),
asked by the views, the menu and the buttons alike."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_outside_member, is_staff_member

from .choices import STATION_MANAGERS

is_station_keeper = is_outside_member & has_role(Role.STATION_KEEPER)

# 爱心驿站 list and page: staff of the region; a keeper sees only their own station(s)
# (the access layer's organisation scope registered in apps.py).
rules.add_perm("stations.view_list", is_staff_member | is_station_keeper)
rules.add_perm("stations.view_station", is_staff_member | is_station_keeper)
# register, edit, deactivate: county and township staff
rules.add_perm("stations.manage_station", is_staff_member & has_role(*STATION_MANAGERS))
