"""Who may open which page of the grid and leads, and take which step (predicates of
``rules``), asked by the views, the menu and the buttons alike."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_outside_member, is_staff_member, works_cases

from .choices import (
    GRID_MANAGERS,
    LEAD_CLOSERS,
    LEAD_CONVERTERS,
    LEAD_RECORDERS,
    VISIT_RECORDERS,
)

# a love station's keeper (爱心驿站站长) records leads under their own station (the service
# keeps them to it) and sees only those leads (the organisation scope of the stations app)
is_station_keeper = is_outside_member & has_role(Role.STATION_KEEPER)
rules.add_perm("leads.record_lead",
               (is_staff_member & has_role(*LEAD_RECORDERS)) | is_station_keeper)
rules.add_perm("leads.convert_lead", is_staff_member & has_role(*LEAD_CONVERTERS))
rules.add_perm("leads.close_lead", is_staff_member & has_role(*LEAD_CLOSERS))
rules.add_perm("leads.manage_grids", is_staff_member & has_role(*GRID_MANAGERS))
# 我的走访任务: those who are sent on visits
rules.add_perm("leads.view_my_tasks",
               is_staff_member & has_role(Role.GRID_WORKER, Role.VILLAGE_ASSISTANT))
rules.add_perm("leads.view_list", is_staff_member & works_cases)
rules.add_perm("leads.view_grids", is_staff_member & works_cases)


@rules.predicate
def visits_it(user, task) -> bool:
    """The worker the visit task was given to."""
    return task is not None and getattr(task, "assignee_id", None) == getattr(user, "pk", None)


# 记录走访结果 (the ``record`` row of VISIT_WORKFLOW): the assignee, or a colleague of the region
rules.add_perm("leads.record_visit", is_staff_member & (visits_it | has_role(*VISIT_RECORDERS)))
