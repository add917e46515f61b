"""Who may do what in 政府购买家境调查 (predicates of ``rules``): the county approver and the
administrator manage contracts and settle periods; the township reviewer entrusts a case
(``applications.assign_investigation``), accepts, returns or takes back a report; the
organisation's coordinator assigns its surveyors; the surveyor records the investigation
(``applications.record_investigation``). Visibility is ``visible_to`` first (404)."""

from __future__ import annotations

from typing import Any

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_outside_member, is_staff_member

ADMIN = Role.ADMINISTRATOR


@rules.predicate
def of_the_organisation(user: Any, investigation: Any) -> bool:
    """The investigation is entrusted to the user's organisation (no object: any)."""
    if investigation is None:
        return True
    return bool(getattr(user, "organisation_id", None)
                and investigation.organisation_id == user.organisation_id)


managers = is_staff_member & has_role(Role.COUNTY_APPROVER, ADMIN)
coordinator = is_outside_member & has_role(Role.COORDINATOR)

PERMISSIONS = {
    # contracts and settlements: read by the staff who follow them, managed by the county
    "contracts.view": is_staff_member & has_role(Role.COUNTY_APPROVER, Role.TOWNSHIP_REVIEWER,
                                                 Role.SUPERVISOR, ADMIN),
    "contracts.manage": managers,
    "contracts.settle": managers,
    # 委托调查跟踪: staff follow every contracted case; the coordinator their organisation's
    "contracts.follow": (is_staff_member & has_role(
        Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.SUPERVISOR, ADMIN)) | coordinator,
    "contracts.review": is_staff_member & has_role(Role.TOWNSHIP_REVIEWER, ADMIN),
    "contracts.assign_surveyor": coordinator & of_the_organisation,
}

for _name, _predicate in PERMISSIONS.items():
    if not rules.perm_exists(_name):
        rules.add_perm(_name, _predicate)
