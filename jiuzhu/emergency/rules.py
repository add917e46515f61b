"""Who may open which page of the emergency cases and take which step (predicates of
``rules``), asked by the views, the menu, the buttons, the API and the table in
``workflow.py`` alike. Where: the case lies in the user's subtree (a county approver sees
the townships of the county)."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member, within_region, works_cases

from .choices import APPROVERS, COUNTY, DECIDERS, HANDLERS, OPENERS, PAYERS, REASSESSORS

# 急难个案 (the list, the duty list of the township, the case page; the menu entries)
rules.add_perm("emergency.view_list", is_staff_member & works_cases)
rules.add_perm("emergency.view_duty", is_staff_member & has_role(
    Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.SUPERVISOR,
    Role.ADMINISTRATOR))
rules.add_perm("emergency.view_case", is_staff_member & works_cases & within_region)
# 登记急难个案: the window, a grid worker, a village assistant, the township reviewer
# (the object is the household's region, or None for the button)
rules.add_perm("emergency.open_case", is_staff_member & has_role(*OPENERS) & within_region)

# one per row of CASE_WORKFLOW
rules.add_perm("emergency.reassess", is_staff_member & has_role(*REASSESSORS) & within_region)
rules.add_perm("emergency.approve_help", is_staff_member & has_role(*APPROVERS) & within_region)
rules.add_perm("emergency.county_approve", is_staff_member & has_role(*COUNTY) & within_region)
rules.add_perm("emergency.pay", is_staff_member & has_role(*PAYERS) & within_region)
rules.add_perm("emergency.release", is_staff_member & has_role(*APPROVERS) & within_region)
rules.add_perm("emergency.open_procedure", is_staff_member & has_role(*HANDLERS) & within_region)
rules.add_perm("emergency.refer", is_staff_member & has_role(*HANDLERS) & within_region)
rules.add_perm("emergency.record_referral",
               is_staff_member & has_role(*HANDLERS) & within_region)
rules.add_perm("emergency.monitor", is_staff_member & has_role(*HANDLERS) & within_region)
rules.add_perm("emergency.decide_no_help", is_staff_member & has_role(*DECIDERS) & within_region)
rules.add_perm("emergency.close", is_staff_member & has_role(*HANDLERS) & within_region)
# 县级审批人 may override the once-a-year rule with a reason
rules.add_perm("emergency.override_repeat", is_staff_member & has_role(*COUNTY))
