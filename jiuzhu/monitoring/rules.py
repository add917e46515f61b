"""Who may open the dashboard (综合看板) and refresh its snapshots (predicates of ``rules``),
asked by the views, the API, the menu and the buttons alike."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member

#: those who lead: supervisors, the county approver and the township reviewer (and the
#: system administrator of a region); outside users never (``is_staff_member``)
DASHBOARD_READERS = (Role.SUPERVISOR, Role.COUNTY_APPROVER, Role.TOWNSHIP_REVIEWER,
                     Role.ADMINISTRATOR)
SNAPSHOT_REFRESHERS = (Role.SUPERVISOR, Role.COUNTY_APPROVER, Role.ADMINISTRATOR)

rules.add_perm("monitoring.view_dashboard", is_staff_member & has_role(*DASHBOARD_READERS))
rules.add_perm("monitoring.refresh_snapshots",
               is_staff_member & has_role(*SNAPSHOT_REFRESHERS))
