"""Who may open which intake page and take which intake step (predicates of ``rules``),
asked by the views, the menu and the buttons alike. Whether a request or item is visible is
``visible_to`` (``jiuzhu/core/access.py``, with the department scopes of ``scopes.py``)."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member, works_cases

from .services import SUPERVISOR_ROLES, WINDOW_ROLES

rules.add_perm("intake.take_request", is_staff_member & has_role(*WINDOW_ROLES))
rules.add_perm("intake.view_inbox",
               is_staff_member & has_role(Role.DEPARTMENT_OFFICER, Role.ADMINISTRATOR))
rules.add_perm("intake.view_overdue", is_staff_member & has_role(*SUPERVISOR_ROLES))
rules.add_perm("intake.urge", is_staff_member & has_role(*SUPERVISOR_ROLES))
rules.add_perm("intake.view_queue", is_staff_member & works_cases)


# --- the actions of a department item (the table ``WORKFLOW`` in services.py) ------------


def _is_officer_of(user, department: str) -> bool:
    return bool(getattr(user, "role", "") == Role.DEPARTMENT_OFFICER and department
                and getattr(user, "department", "") == department)


@rules.predicate
def leads_item(user, item) -> bool:
    """An officer of the item's own department (牵头部门)."""
    return item is not None and _is_officer_of(user, item.department_code)


@rules.predicate
def assists_item(user, item) -> bool:
    """An officer of one of the item's assisting departments (协办部门)."""
    if item is None or getattr(user, "role", "") != Role.DEPARTMENT_OFFICER:
        return False
    department = getattr(user, "department", "") or "-"
    return any(c.department_code == department for c in item.cohandlers.all())  # prefetched


intake_admin = has_role(Role.ADMINISTRATOR)
window_worker = has_role(Role.WINDOW_WORKER)
for _name in ("accept_item", "request_more", "finish_item", "return_item"):
    rules.add_perm(f"intake.{_name}", is_staff_member & (leads_item | intake_admin))
rules.add_perm("intake.resubmit", is_staff_member & (window_worker | intake_admin))
rules.add_perm("intake.add_cohandler", is_staff_member & (leads_item | window_worker | intake_admin))
rules.add_perm("intake.cohandle_finish", is_staff_member & (assists_item | intake_admin))
# Sign an urge as read: an officer of the urged item's lead or assisting department.
rules.add_perm("intake.acknowledge_urge", is_staff_member & (leads_item | assists_item | intake_admin))
