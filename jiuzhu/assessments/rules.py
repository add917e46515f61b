"""Who may do what with assessments (one predicate per action)."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member, works_cases

BATCH_RUNNERS = (Role.ADMINISTRATOR, Role.COUNTY_APPROVER, Role.TOWNSHIP_REVIEWER, Role.SUPERVISOR)

rules.add_perm("assessments.run_batch", is_staff_member & has_role(*BATCH_RUNNERS))
rules.add_perm("assessments.view_ranking", is_staff_member & works_cases)

# 纳入监测 / 结束监测: the staff who follow families in their region (the window, the village
# assistant and grid worker, the township reviewer, the county approver, administrators).
MONITORS = (Role.WINDOW_WORKER, Role.VILLAGE_ASSISTANT, Role.GRID_WORKER,
            Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.ADMINISTRATOR)
rules.add_perm("assessments.monitor", is_staff_member & has_role(*MONITORS))

# 预览事项条件: which households of the region an item's condition matches (the catalogue's
# item page); the people who edit the catalogue.
rules.add_perm("assessments.preview_condition", is_staff_member & has_role(Role.ADMINISTRATOR))
