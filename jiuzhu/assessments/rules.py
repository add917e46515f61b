"""Who may do what with assessments (one predicate per action)."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member, works_cases

BATCH_RUNNERS = (Role.ADMINISTRATOR, Role.COUNTY_APPROVER, Role.TOWNSHIP_REVIEWER, Role.SUPERVISOR)

rules.add_perm("assessments.run_batch", is_staff_member & has_role(*BATCH_RUNNERS))
rules.add_perm("assessments.view_ranking", is_staff_member & works_cases)
