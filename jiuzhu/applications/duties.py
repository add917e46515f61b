"""Separation of duties (四眼原则, issue #14 item 2): who may not take a step of a case
because of who they are or what they already did on it.

The rules are a county's data (:class:`~jiuzhu.applications.models.DutyRule`, each on by
default, also without a row):

- 系统管理员不办理案件: the IT administrator (``Role.ADMINISTRATOR``) takes no case step;
- 调查人、审核人不能审批同一案件: whoever investigated the case (was assigned to, or recorded,
  its home investigation) or gave the township's opinion may not decide it (approve or
  refuse);
- 大额须第二审批人确认 (``second_approval_above``, off when empty): a monthly amount approved
  above the county's threshold is first recorded as a first approval (the case stays in
  ``decision``); a second approver confirms it (``approve``), returns it (退回,
  ``return_approval``) or refuses the case. Whoever gave the first approval takes none of
  these steps on it (同一人不能两次审批).

They are asked in the one place actions are permitted: the permission predicates of
``rules.py`` (so ``user.has_perm`` and every button agree) and the workflow's ``duties``
hook, which turns a refusal into a 403 naming the rule. The system actor and a superuser
(the break-glass account) are not bound by them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiuzhu.accounts.choices import Role

#: The steps of a case a person takes (every action of the table with a permission but
#: reading ones); the administrator takes none of them.
CASE_STEPS = frozenset({
    "create", "add_attachment", "request_supplement", "submit_supplement", "reject", "accept",
    "assign_investigation", "record_investigation", "record_verification", "record_appraisal",
    "submit_opinion", "publish_notice", "record_objection", "close_notice", "approve", "refuse",
    "approve_above_limit", "extend_deadline", "withdraw", "return_approval",
})
#: Deciding the case (退回 of a first approval is part of the second approver's decision).
DECISIONS = frozenset({"approve", "refuse", "approve_above_limit", "return_approval"})
#: Steps whose actor may not decide the same case.
INVESTIGATING = frozenset({"record_investigation", "assign_surveyor"})
OPINION = frozenset({"submit_opinion"})


def rule_for(application: Any) -> Any:
    """The DutyRule of the case's county, or an unsaved one holding the defaults (every rule
    on) — one query a case, kept on it."""
    from .models import DutyRule

    region = getattr(application, "region", None)
    if region is None:
        return DutyRule()
    cache = application.__dict__.setdefault("_duty_rule", {})
    if "rule" not in cache:
        cache["rule"] = (DutyRule.objects.filter(region__code=region.county_code).first()
                         or DutyRule())
    return cache["rule"]


def _bound(user: Any) -> bool:
    return bool(user is not None and getattr(user, "pk", None)
                and not getattr(user, "is_system", False)
                and not getattr(user, "is_superuser", False))


def _took(application: Any, user: Any, actions: frozenset[str]) -> bool:
    return application.steps.filter(actor_id=user.pk, action__in=actions).exists()


def investigated(application: Any, user: Any) -> bool:
    return bool(application.investigator_users.filter(pk=user.pk).exists()
                or _took(application, user, INVESTIGATING))


def awaiting_second(application: Any) -> bool:
    """A first approval waits for its second approver (四眼原则)."""
    return bool(getattr(application, "first_approval", None)) \
        and getattr(application, "state", "") == "decision"


def second_approval_needed(application: Any, actor: Any, amount: Any) -> bool:
    """Whether approving ``amount`` (a month's benefit) by ``actor`` is only a first
    approval: the county's threshold is set and the amount is above it (the system actor
    and a superuser, not bound by the rules, decide alone)."""
    above = rule_for(application).second_approval_above
    return bool(above is not None and amount is not None and amount > above and _bound(actor))


def duty_refusal(user: Any, application: Any, action: str) -> str:
    """Why the separation of duties refuses ``action`` on ``application`` to ``user``
    (``""`` when it does not): the message names the rule."""
    if action not in CASE_STEPS or not _bound(user):
        return ""
    if application is None or getattr(application, "pk", None) is None:
        if action == "create" and getattr(user, "role", None) == Role.ADMINISTRATOR:
            return _("四眼原则：系统管理员不能办理案件")
        return ""
    rule = rule_for(application)
    if rule.no_it_administrator and getattr(user, "role", None) == Role.ADMINISTRATOR:
        return _("四眼原则：系统管理员不能办理案件")
    if action in DECISIONS and awaiting_second(application) \
            and application.first_approved_by_id == user.pk:
        return _("四眼原则：同一人不能两次审批同一案件，须由另一名审批人确认")
    if rule.no_self_approval and action in DECISIONS:
        if investigated(application, user):
            return _("四眼原则：调查人不能审批同一案件")
        if _took(application, user, OPINION):
            return _("四眼原则：提出审核意见的人不能审批同一案件")
    return ""


def duty_allows(action: str) -> Any:
    """A ``rules`` predicate: the separation of duties does not refuse ``action``."""
    import rules

    @rules.predicate
    def predicate(user: Any, application: Any = None) -> bool:
        return not duty_refusal(user, application, action)

    predicate.name = f"duty_allows:{action}"
    return predicate
