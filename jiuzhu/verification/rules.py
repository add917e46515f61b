"""Object permissions of verification (rules): who may view, request, run and decide.

Anyone on the staff may view requests inside their region subtree; verification
officers and administrators (and superusers) request verifications, run them and decide
findings there. Outside the subtree everything is 'not found' (the selectors filter).
"""

from __future__ import annotations

import rules

from jiuzhu.accounts.rules import in_region, is_staff_member, within_region, works_cases

from .choices import VERIFIERS
from .models import Finding


@rules.predicate
def is_verifier(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in VERIFIERS)


@rules.predicate
def within_request_region(user, obj) -> bool:
    """A finding lies where its request does (a request, where it is)."""
    return in_region(user, obj.request if isinstance(obj, Finding) else obj)


rules.add_perm("verification.view_verificationrequest", is_staff_member & within_region)
rules.add_perm("verification.add_verificationrequest",
               is_staff_member & is_verifier & within_region)
rules.add_perm("verification.run_verificationrequest",
               is_staff_member & is_verifier & within_region)
# asked on a finding (its table's rows) or on a request (may any of its findings be decided)
rules.add_perm("verification.decide_finding",
               is_staff_member & is_verifier & within_request_region)
rules.add_perm("verification.view_list", is_staff_member & works_cases)


@rules.predicate
def works_for_county(user) -> bool:
    """A county (or higher) office: the departments' export files serve the whole county."""
    region = getattr(user, "region", None)
    return bool(user.is_superuser or (region is not None
                                      and region.level in ("province", "city", "county")))


# 部门数据导入: the departments' export files, uploaded by the county's verifiers.
rules.add_perm("verification.import_source", is_staff_member & is_verifier & works_for_county)
