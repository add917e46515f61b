"""Who may administer the service catalogue (predicates of ``rules``); everyone signed in
reads the handbook."""

from __future__ import annotations

import rules

from jiuzhu.accounts.rules import has_role, is_staff_member

from .services import ADMIN_ROLES

rules.add_perm("catalogue.administer", is_staff_member & has_role(*ADMIN_ROLES))
