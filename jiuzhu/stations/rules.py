"""Who may open which love-station page and take which step (predicates of ``rules``),
asked by the views, the menu and the buttons alike."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_outside_member, is_staff_member, works_cases

from .choices import STATION_MANAGERS

is_station_keeper = is_outside_member & has_role(Role.STATION_KEEPER)

# 爱心驿站 list and page: civil-affairs staff of the region (a grid worker: the stations of
# the village around their grids, see ``selectors.stations_visible_to``); a keeper sees only
# their own station(s) (the organisation scope registered in apps.py). A department officer
# has no business with stations: no menu entry, 403.
rules.add_perm("stations.view_list", (is_staff_member & works_cases) | is_station_keeper)
rules.add_perm("stations.view_station", (is_staff_member & works_cases) | is_station_keeper)
# register, edit, deactivate: county and township staff
rules.add_perm("stations.manage_station", is_staff_member & has_role(*STATION_MANAGERS))
