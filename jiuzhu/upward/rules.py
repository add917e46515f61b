"""Who may see and produce the monthly exchange file (predicates of ``rules``), asked by
the views, the API, the buttons and the menu alike: county (or higher) civil-affairs staff —
supervisors, county approvers, administrators and verification officers see it;
supervisors, county approvers and administrators produce it. Township and village staff,
department officers and outside users never."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member, within_region

COUNTY_LEVELS = ("province", "city", "county")
VIEWERS = (Role.SUPERVISOR, Role.COUNTY_APPROVER, Role.ADMINISTRATOR, Role.VERIFICATION_OFFICER)
PRODUCERS = (Role.SUPERVISOR, Role.COUNTY_APPROVER, Role.ADMINISTRATOR)


@rules.predicate
def works_for_county(user) -> bool:
    """A county (or higher) office: the file is the county's."""
    if getattr(user, "is_system", False) is True or getattr(user, "is_superuser", False):
        return True
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    return bool(region is not None and region.level in COUNTY_LEVELS)


county_staff = is_staff_member & works_for_county

rules.add_perm("upward.view", county_staff & has_role(*VIEWERS) & within_region)
rules.add_perm("upward.produce", county_staff & has_role(*PRODUCERS) & within_region)
# downloading a produced file: those who see it
rules.add_perm("upward.download", county_staff & has_role(*VIEWERS) & within_region)
