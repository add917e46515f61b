"""Who may take each action of an application (predicates of ``rules``): one permission
``applications.<action>`` per row of the table in ``workflow.py``, asked by the service,
the API, the case page's buttons and the menu alike (``user.has_perm(name, application)``).

A superuser and the system actor hold every permission; an administrator may take every
action of the procedure. Whether the case is visible to the user is not a rule here: it is
``Application.objects.visible_to(user)`` (``jiuzhu.core.access``), checked first.
"""

from __future__ import annotations

from typing import Any

import rules

from jiuzhu.accounts.choices import STAFF_ROLES, Role
from jiuzhu.accounts.rules import has_role, is_outside_member, is_staff_member, works_cases

from .duties import CASE_STEPS, duty_allows


def _role(user: Any) -> str:
    return str(getattr(user, "role", "") or "")


def decision_roles(application: Any) -> frozenset[str]:
    """Who decides (approve/refuse): the county approver; the township reviewer too where
    the county lets the township approve, and for temporary assistance within the
    township's limit (above it, only the county)."""
    from .procedure import procedure_for
    from .programs import PROGRAMS

    if application is None:
        return frozenset({Role.COUNTY_APPROVER})
    program = PROGRAMS.get(application.item_code, PROGRAMS["MZ01"])
    if program.amount == "entered":
        if application.engine_amount is not None and application.township_limit is not None \
                and application.engine_amount > application.township_limit:
            return frozenset({Role.COUNTY_APPROVER})
        return frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER})
    if procedure_for(application.region.code).approving_level == "township":
        return frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER})
    return frozenset({Role.COUNTY_APPROVER})


@rules.predicate
def may_decide(user: Any, application: Any) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "region_id", None)
                and (_role(user) == Role.ADMINISTRATOR or _role(user) in decision_roles(application)))


@rules.predicate
def assigned_to_investigate(user: Any, application: Any) -> bool:
    """One of the people the reviewer assigned to the case's home investigation."""
    return bool(application is not None and getattr(user, "pk", None)
                and getattr(user, "is_active", False) and getattr(user, "region_id", None)
                and application.investigator_users.filter(pk=user.pk).exists())


# An administrator may take every action of the procedure: named in each predicate below
# (``has_role`` lets only the system actor and a superuser through unnamed).
ADMIN = Role.ADMINISTRATOR
window = has_role(Role.WINDOW_WORKER, ADMIN)
reviewer = has_role(Role.TOWNSHIP_REVIEWER, ADMIN)
investigator = has_role(Role.INVESTIGATOR, ADMIN)
verifier = has_role(Role.VERIFICATION_OFFICER, ADMIN)
appraiser = has_role(Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_REVIEWER, ADMIN)
supervisor = has_role(Role.SUPERVISOR, ADMIN)
staff = has_role(*STAFF_ROLES)

#: permission → predicate (the table in ``workflow.py`` names these permissions)
PERMISSIONS = {
    "applications.view": staff,
    "applications.create": window,
    "applications.add_attachment": window | investigator | verifier | reviewer,
    "applications.request_supplement": window,
    "applications.submit_supplement": window,
    "applications.reject": window,
    "applications.accept": window,
    "applications.assign_investigation": reviewer,
    # the township's investigators; a village assistant or grid worker once assigned
    # (政府购买家境调查: the contracted organisation's investigator its coordinator assigned)
    "applications.record_investigation": investigator | (
        has_role(Role.VILLAGE_ASSISTANT, Role.GRID_WORKER) & assigned_to_investigate) | (
        is_outside_member & has_role(Role.SURVEYOR) & assigned_to_investigate),
    # 我的调查: the people who may be sent on home investigations
    "applications.view_my_investigations": has_role(
        Role.INVESTIGATOR, Role.VILLAGE_ASSISTANT, Role.GRID_WORKER, ADMIN) | (
        is_outside_member & has_role(Role.SURVEYOR)),
    # 签署核对授权: the window's signature pad, or a phone on the home visit
    "applications.sign_authorisation": window | investigator | (
        has_role(Role.VILLAGE_ASSISTANT, Role.GRID_WORKER) & assigned_to_investigate),
    "applications.record_verification": verifier,
    "applications.record_appraisal": appraiser,
    "applications.submit_opinion": reviewer,
    "applications.publish_notice": reviewer,
    "applications.record_objection": reviewer,
    "applications.close_notice": reviewer,
    "applications.approve": may_decide,
    "applications.refuse": may_decide,
    # 四眼原则: the second approver returns a first approval (退回)
    "applications.return_approval": may_decide,
    # temporary assistance above the township's limit: the county only
    "applications.approve_above_limit": has_role(Role.COUNTY_APPROVER, ADMIN),
    "applications.extend_deadline": supervisor,
    "applications.withdraw": window,
    "applications.view_overdue": supervisor,
    # the county's material settings (须上传扫描件 or 原件核验即可): administrators
    "applications.edit_material_settings": has_role(Role.ADMINISTRATOR),
    # the list of cases (申请办理): civil-affairs staff, not a department officer
    "applications.view_list": is_staff_member & works_cases,
}

# 四眼原则 (``duties.py``): each step of a case also needs the separation of duties to allow it.
for _name in list(PERMISSIONS):
    if _name.removeprefix("applications.") in CASE_STEPS:
        PERMISSIONS[_name] = PERMISSIONS[_name] & duty_allows(_name.removeprefix("applications."))

for _name, _predicate in PERMISSIONS.items():
    if not rules.perm_exists(_name):
        rules.add_perm(_name, _predicate)
