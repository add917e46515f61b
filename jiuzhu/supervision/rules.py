"""Who may open the reviews and tip-offs (predicates of ``rules``)."""

from __future__ import annotations

import rules

from jiuzhu.accounts.rules import has_role, is_staff_member

from .services import REVIEW_ROLES, SUPERVISION_ROLES

rules.add_perm("supervision.view_reviews",
               is_staff_member & has_role(*(REVIEW_ROLES | SUPERVISION_ROLES)))
rules.add_perm("supervision.view_tipoffs", is_staff_member & has_role(*SUPERVISION_ROLES))

# The rows of REVIEW_WORKFLOW and TIPOFF_WORKFLOW (services.py).
rules.add_perm("supervision.run_review", is_staff_member & has_role(*REVIEW_ROLES))
rules.add_perm("supervision.act_tipoff", is_staff_member & has_role(*SUPERVISION_ROLES))
# Services outside the tables: a statement-and-defence notice (D23) on a paid case, and
# registering a tip-off (D19).
rules.add_perm("supervision.issue_statement_notice",
               is_staff_member & has_role(*(REVIEW_ROLES | SUPERVISION_ROLES)))
rules.add_perm("supervision.record_tipoff", is_staff_member & has_role(*SUPERVISION_ROLES))
