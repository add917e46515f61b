"""Who may do what with the parameters a county enters (one predicate per page and action).

A county's system administrator (系统管理员) enters a set and submits it; a county approver
(县级审批人) approves or returns it — never the person who entered it (the workflow's
separation of duties, 403 naming the rule); after approval either may start the county's
re-assessment. Both work at county level or above."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member

ENTERERS = (Role.ADMINISTRATOR,)
APPROVERS = (Role.COUNTY_APPROVER,)
READERS = (*ENTERERS, *APPROVERS, Role.SUPERVISOR)
UPPER_LEVELS = ("province", "city", "county")


@rules.predicate
def county_or_above(user) -> bool:
    """The user works for a county, a city or a province (not a township or below)."""
    if getattr(user, "is_system", False) is True or getattr(user, "is_superuser", False):
        return True
    region = getattr(user, "region", None)
    return bool(region is not None and region.level in UPPER_LEVELS)


rules.add_perm("policy.view", is_staff_member & county_or_above & has_role(*READERS))
rules.add_perm("policy.enter", is_staff_member & county_or_above & has_role(*ENTERERS))
rules.add_perm("policy.submit", is_staff_member & county_or_above & has_role(*ENTERERS))
rules.add_perm("policy.approve", is_staff_member & county_or_above & has_role(*APPROVERS))
rules.add_perm("policy.return", is_staff_member & county_or_above & has_role(*APPROVERS))
rules.add_perm("policy.reassess", is_staff_member & county_or_above
               & has_role(*ENTERERS, *APPROVERS))
