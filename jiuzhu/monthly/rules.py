"""Who may open the 月报 and who may close a month (predicates of ``rules``), asked by the
views, the API, the buttons and the menu alike."""

from __future__ import annotations

import rules

from jiuzhu.accounts.rules import has_role, is_staff_member

from .choices import CLOSING_LEVELS, REPORT_CLOSERS, REPORT_READERS


@rules.predicate
def works_at_county_or_above(user) -> bool:
    if getattr(user, "is_system", False) is True or getattr(user, "is_superuser", False):
        return True
    region = getattr(user, "region", None)
    return bool(region is not None and region.level in CLOSING_LEVELS)


rules.add_perm("monthly.view", is_staff_member & has_role(*REPORT_READERS))
rules.add_perm("monthly.close",
               is_staff_member & has_role(*REPORT_CLOSERS) & works_at_county_or_above)
