"""Who may open which page of 资格认证 and take which step (views, buttons, menu alike)."""

from __future__ import annotations

import rules

from jiuzhu.accounts.rules import has_role, in_region, is_staff_member

from .choices import CHECKER_ROLES, SETTING_ROLES, STAFF_ROLES


@rules.predicate
def within(user, obj) -> bool:
    return obj is None or in_region(user, obj)


@rules.predicate
def never(user) -> bool:
    """Taken by the platform only (the daily step, a resident's confirmation checked by
    the query code): the system actor holds every permission, no user does."""
    return False


is_staff = is_staff_member & has_role(*STAFF_ROLES)
is_checker = is_staff_member & has_role(*CHECKER_ROLES)

rules.add_perm("recertify.view_list", is_staff)
rules.add_perm("recertify.view_confirmation", is_staff & within)
rules.add_perm("recertify.view_settings", is_staff_member & has_role(*SETTING_ROLES))
rules.add_perm("recertify.edit_setting", is_staff_member & has_role(*SETTING_ROLES) & within)
# actions of the transition table
rules.add_perm("recertify.accept", is_checker & within)
rules.add_perm("recertify.return", is_checker & within)
rules.add_perm("recertify.review", is_checker & within)
rules.add_perm("recertify.submit", never)
rules.add_perm("recertify.system", never)
