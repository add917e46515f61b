"""Who may open the payroll and set bank accounts (predicates of ``rules``)."""

from __future__ import annotations

import rules

from jiuzhu.accounts.rules import has_role, is_staff_member

from .services import ACCOUNT_ROLES, PAYROLL_ROLES

rules.add_perm("payments.view_payroll", is_staff_member & has_role(*PAYROLL_ROLES))
rules.add_perm("payments.set_account", is_staff_member & has_role(*ACCOUNT_ROLES))
# Generate and confirm a township's payroll (services.payroll_generate, payroll_confirm).
rules.add_perm("payments.make_payroll", is_staff_member & has_role(*PAYROLL_ROLES))
