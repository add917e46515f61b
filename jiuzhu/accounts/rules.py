"""Object permissions (rules): a role may act, and the object lies in the user's subtree."""

from __future__ import annotations

import rules

from jiuzhu.core.access import visible_path

from .choices import (
    AUDIT_READERS,
    FULL_ID_EXPORTERS,
    HOUSEHOLD_EDITORS,
    HOUSEHOLD_IMPORTERS,
    OUTSIDE_ROLES,
    PERSONAL_DATA_READERS,
)


def in_region(user, obj) -> bool:
    """The object lies in the user's subtree (or a subtree assigned to them): a region,
    or an object with ``region_path`` or ``region``."""
    if obj is None:
        return True
    path = getattr(obj, "region_path", None)
    if path is None and hasattr(obj, "path") and hasattr(obj, "level"):
        path = obj.path
    if path is None and hasattr(obj, "region"):
        path = obj.region.path
    return visible_path(user, path or "")


@rules.predicate
def is_staff_member(user) -> bool:
    """Government staff (工作人员) with a region: never a user of an outside organisation,
    so no staff permission reaches a social worker, volunteer or contracted investigator."""
    return bool(user.is_authenticated and (user.is_superuser or (
        user.region_id and getattr(user, "role", "") not in OUTSIDE_ROLES)))


@rules.predicate
def is_outside_member(user) -> bool:
    """An active user of an outside organisation (社会力量) with a region and an
    organisation: their permissions are the outside apps' own."""
    return bool(user.is_authenticated and getattr(user, "is_active", False)
                and user.region_id and getattr(user, "organisation_id", None)
                and getattr(user, "role", "") in OUTSIDE_ROLES)


@rules.predicate
def works_cases(user) -> bool:
    """Civil-affairs staff: every role but a department officer (who sees only the items of
    their department, in their inbox)."""
    if getattr(user, "is_system", False) is True or user.is_superuser:
        return True
    role = getattr(user, "role", "")
    return bool(role) and role != "department_officer"


@rules.predicate
def within_region(user, obj) -> bool:
    return in_region(user, obj)


def has_role(*roles):
    """A predicate: the system actor and a superuser always; anyone else only as an active
    user with a region whose role is one of ``roles`` (an administrator only where
    ``Role.ADMINISTRATOR`` is named)."""
    wanted = frozenset(roles)

    @rules.predicate
    def predicate(user) -> bool:
        if getattr(user, "is_system", False) is True or getattr(user, "is_superuser", False):
            return True
        return bool(getattr(user, "is_active", False) and getattr(user, "region_id", None)
                    and getattr(user, "role", None) in wanted)

    predicate.name = "has_role:" + "|".join(sorted(wanted))
    return predicate


can_edit_households = has_role(*HOUSEHOLD_EDITORS)
can_import_households = has_role(*HOUSEHOLD_IMPORTERS)
can_read_audit = has_role(*AUDIT_READERS)
can_reveal_personal_data = has_role(*PERSONAL_DATA_READERS)
can_export_full_id = has_role(*FULL_ID_EXPORTERS)

rules.add_perm("households.view_household", is_staff_member & within_region)
rules.add_perm("households.add_household", is_staff_member & can_edit_households & within_region)
rules.add_perm("households.change_household", is_staff_member & can_edit_households & within_region)
rules.add_perm("households.import_household", is_staff_member & can_import_households)
rules.add_perm("households.view_list", is_staff_member)
# Personal data in full: on a click with a reason (audited), and in exports.
rules.add_perm("households.reveal_personal_data",
               is_staff_member & can_reveal_personal_data & within_region)
rules.add_perm("households.export_full_id", is_staff_member & can_export_full_id)
rules.add_perm("audit.view_auditevent", is_staff_member & can_read_audit)
