"""Who may open which page of social-worker cases and take which step."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, in_region, is_outside_member, is_staff_member

from .choices import STAFF_ROLES

is_social_worker = is_outside_member & has_role(Role.SOCIAL_WORKER)
is_case_staff = is_staff_member & has_role(*STAFF_ROLES)


@rules.predicate
def works_it(user, case) -> bool:
    """The social worker the case is assigned to."""
    return case is not None and getattr(case, "social_worker_id", None) == getattr(user, "pk", None)


@rules.predicate
def within(user, case) -> bool:
    return case is None or in_region(user, case)


staff_on_case = is_case_staff & within
worker_on_case = is_social_worker & works_it

rules.add_perm("socialwork.view_list", is_case_staff)
rules.add_perm("socialwork.view_candidates", is_case_staff)
rules.add_perm("socialwork.open_case", is_case_staff)
rules.add_perm("socialwork.view_mine", is_social_worker)
rules.add_perm("socialwork.view_case", staff_on_case | worker_on_case)
# actions of the transition table
rules.add_perm("socialwork.assign", staff_on_case)
rules.add_perm("socialwork.plan", staff_on_case | worker_on_case)
rules.add_perm("socialwork.record_visit", staff_on_case | worker_on_case)
rules.add_perm("socialwork.refer", staff_on_case | worker_on_case)
rules.add_perm("socialwork.close", staff_on_case | worker_on_case)
