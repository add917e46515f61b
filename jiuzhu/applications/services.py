"""Writes of the application procedure (低保审核确认): creating a case, taking an action
on it, adding materials, the daily alert refresh.

Every action is a row of the one table in ``workflow.py`` and goes through
``WORKFLOW.perform`` (``jiuzhu.core.workflow``): visible (404), permitted (403), allowed in
this state (409), valid input (422), the law's guards, then the handler, the move, the time
limit, the documents, the step and the audit — in one transaction, or nothing at all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _field_error
from jiuzhu.core.numbers import next_number, query_code
from jiuzhu.households.models import Household

from . import deadlines, events
from .attachments import attachment_store
from .choices import BEFORE_DECISION, OPEN_STATES, Channel, State, Step
from .duties import duty_refusal
from .models import Application
from .procedure import procedure_for
from .programs import PROGRAMS
from .workflow import WORKFLOW, label, materials_required, step_record, stored_alert

__all__ = ["WORKFLOW", "actions_available", "alerts_recompute", "application_act",
           "application_create", "application_step_record", "attachments_add", "label",
           "materials_required", "receiving_case"]

Files = list[tuple[str, str, bytes]]

#: States in which a household receives (or will receive) what an approved case grants.
RECEIVING_STATES = (State.APPROVED, State.IN_PAYMENT, State.SUSPENDED)


def actions_available(user: Any, application: Application) -> list[str]:
    """The actions this user may take now (for buttons): the table's answer."""
    return [action.name for action in WORKFLOW.available(user, application)]


def receiving_case(household: Household, item_code: str, today: date) -> Application | None:
    """The household's case that already covers ``item_code``: one still open, or one
    approved (in payment, suspended) whose recognition has not run out. Assistance paid
    once (MZ04/MZ05) covers only its own event: after its decision a new event may apply."""
    covering = Q(state__in=OPEN_STATES)
    program = PROGRAMS.get(item_code)
    if program is None or not program.one_off:
        still_valid = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        covering |= Q(state__in=RECEIVING_STATES) & still_valid
    return (Application.objects.filter(household=household, item_code=item_code)
            .filter(covering).order_by("-submitted_at").first())


# --- creating an application --------------------------------------------------------

@transaction.atomic
def application_create(*, actor: Any, household: Household, item_code: str, channel: str,
                       files: Files | None = None, today: date | None = None,
                       originals: list[str] | None = None,
                       total_limit_days: int | None = None) -> Application:
    """Register an application (申请); ``files`` are (material, name, content) and
    ``originals`` the materials whose paper original the actor has seen (原件已核验, 422
    naming ``originals`` for a name not on the item's list). 404 for a
    household the actor does not see, 403 without ``applications.create``, 422 for a wrong
    item or channel, 409 ``already_receiving`` when the household already receives the item
    or has it open (the message names that case). ``total_limit_days``: the file's own total
    in working days instead of the catalogue item's (the papers of emergency help, 20)."""
    today = today or timezone.localdate()
    if not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"))
    if not actor.has_perm("applications.create", household):
        raise ServiceError(ErrorCode.FORBIDDEN, duty_refusal(actor, household, "create")
                           or _("您的岗位不能受理申请"))
    procedure = procedure_for(household.region.code)
    errors = []
    if item_code == "MZ01" and item_code != procedure.item_code:
        errors.append({"path": "item_code", "message": _("本程序办理事项 %(item_code)s（城乡最低生活保障）") % {"item_code": procedure.item_code}})
    elif item_code not in PROGRAMS:
        errors.append({"path": "item_code", "message": _("本程序办理事项：%(items)s；其他事项请通过综合受理转办") % {"items": '、'.join(PROGRAMS)}})
    else:
        from jiuzhu.catalogue.selectors import item_in_force

        item_in_force(item_code, today)  # 422 naming item_code when not in the catalogue
    if channel not in Channel.values:
        errors.append({"path": "channel", "message": _("渠道应为：%(values)s") % {"values": '、'.join(Channel.values)}})
    if household.status != "active":
        errors.append({"path": "household_id", "message": _("家庭已注销")})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("申请信息有误"), errors)
    existing = receiving_case(household, item_code, today)
    if existing is not None:
        message = (_("该家庭正在办理该事项（申请编号 %(number)s，%(state)s），不能重复申请")
                   if existing.state in OPEN_STATES else
                   _("该家庭正在享受该事项（申请编号 %(number)s，%(state)s），不能重复申请")
                   ) % {"number": existing.number, "state": existing.get_state_display()}
        raise ServiceError(ErrorCode.ALREADY_RECEIVING, message,
                           [{"path": "item_code", "message": message,
                             "number": existing.number, "state": existing.state}])
    if channel == Channel.PROXY and not any(m == "代办授权书" for m, _n, _d in files or []):
        raise _field_error("files", _("代办须上传申请人签字的授权委托书（代办授权书）"))
    township = household.region if household.region.level == "township" else household.region.parent
    assert township is not None  # a household lies in a village or township
    application = Application(
        number=_next_number(township.code, today, item_code), query_code=query_code(Application),
        household=household, item_code=item_code, channel=channel, region=township,
        region_path=household.region_path,
        created_by=actor if getattr(actor, "pk", None) else None, step_started_on=today,
        total_limit_days=total_limit_days,
    )
    deadlines.start_step(application, Step.ACCEPTANCE, today)
    application.save()
    for material, name, content in files or []:
        attachment_store(application=application, actor=actor, data=content, name=name,
                         kind="authorisation" if material == "代办授权书" else "material",
                         material=material)
    if originals:
        from .materials import originals_record

        originals_record(application=application, actor=actor, materials=originals,
                         allowed=materials_required(application))
    step_record(application, actor, "create", State.SUBMITTED, State.SUBMITTED,
                {"channel": channel, "item_code": item_code, "originals": list(originals or [])})
    from .documents import issue_documents

    issue_documents(application, actor, ["D01"])
    audit_record(actor=actor, action="create", obj=application,
                 detail={"application": application.number, "household": household.household_id})
    return application


def _next_number(township_code: str, today: date, item_code: str = "MZ01") -> str:
    series = "DB" if item_code == "MZ01" else item_code
    return next_number(Application, f"{series}{township_code}{today:%Y}")


# --- the actions ------------------------------------------------------------------------

def application_act(*, actor: Any, application_id: int, action: str, data: dict[str, Any],
                    files: Files | None = None, today: date | None = None) -> Application:
    """Take ``action`` (a row of ``workflow.WORKFLOW``) on the application: 404 outside
    what the actor sees, 403 without the action's permission, 409 ``step_not_allowed`` in a
    state that does not allow it (``verification_missing`` before a decision without a
    completed verification), 422 for missing or wrong fields. Two people acting at once:
    the second waits on the row lock, then finds the state changed."""
    return WORKFLOW.perform(actor=actor, obj=application_id, action=action, data=data,
                            files=files, today=today)


def application_step_record(application: Application, actor: Any, action: str, before: str,
                            after: str, data: dict[str, Any]) -> None:
    """Keep one step of the case (办理记录); other apps' steps on a case call it too."""
    step_record(application, actor, action, before, after, data)


def alerts_recompute(*, today: date | None = None) -> int:
    """Daily: refresh every open application's alert; withdraw supplements left too long."""
    today = today or timezone.localdate()
    changed = 0
    for app in Application.objects.select_related("region").filter(state__in=OPEN_STATES):
        if app.state == State.AWAITING_SUPPLEMENT and app.due_date and today > app.due_date:
            with transaction.atomic():
                app = Application.objects.select_for_update().select_related("region").get(pk=app.pk)
                if app.state != State.AWAITING_SUPPLEMENT:
                    continue
                before = app.state
                app.reasons = "逾期未提交补正材料，视为撤回申请"
                WORKFLOW.transition(app, "withdraw")
                deadlines.start_step(app, Step.NONE, today)
                if stored_alert():
                    app.alert = "none"
                app.save()
                step_record(app, SYSTEM, "auto_withdraw", before, app.state, {})
                audit_record(actor=SYSTEM, action="update", obj=app,
                             detail={"action": "auto_withdraw", "from": before, "to": app.state})
                events.decided(app, actor=SYSTEM, action="auto_withdraw")
            changed += 1
            continue
        if not stored_alert():
            continue
        alert = deadlines.compute_alert(app, today)
        if alert != app.alert:
            Application.objects.filter(pk=app.pk).update(alert=alert)
            changed += 1
    return changed


@transaction.atomic
def attachments_add(*, actor: Any, application_id: int, files: Files) -> Application:
    """Add materials to an open application (a returned case keeps all it had)."""
    application = Application.objects.visible_to(actor).select_for_update() \
        .select_related("region", "household").filter(pk=application_id).first()
    if application is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("申请不存在"))
    if not actor.has_perm("applications.add_attachment", application):
        raise ServiceError(ErrorCode.FORBIDDEN, duty_refusal(actor, application, "add_attachment")
                           or _("您的岗位不能上传申请材料"))
    if application.state not in BEFORE_DECISION:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("申请已办结，不能再上传材料"))
    if not files:
        raise _field_error("files", _("请选择要上传的文件"))
    for material, name, content in files:
        attachment_store(application=application, actor=actor, data=content, name=name,
                         kind="authorisation" if material == "代办授权书" else
                         "photo" if material == "入户照片" else "material", material=material)
    audit_record(actor=actor, action="update", obj=application,
                 detail={"attachments": [m for m, _n, _c in files]})
    return application


# --- contracted home investigation (the contracts app calls these) ----------------------

@transaction.atomic
def investigation_investigator_set(*, application: Application, user: Any, actor: Any) -> None:
    """The contracted organisation's coordinator assigned ``user`` (its surveyor): they
    find the case in 我的调查 and may record the investigation."""
    application.investigator_users.set([user])
    application.investigators = [str(user)]
    application.save(update_fields=["investigators"])
    step_record(application, actor, "assign_surveyor", application.state, application.state,
                {"investigators": [str(user)], "organisation": str(application.investigation_organisation or "")})


@transaction.atomic
def investigation_reopen(*, application: Application, actor: Any, reason: str,
                         unassign: bool = False, today: date | None = None) -> None:
    """The township returned the contracted report (重新调查: the survey is to be recorded
    again) or took the assignment back (``unassign``: the case may be assigned anew). Only
    before the township's opinion (409 afterwards); a case already moved on by the report
    comes back to the investigation step."""
    today = today or timezone.localdate()
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in (State.ACCEPTED, State.APPRAISAL, State.OPINION) \
            or application.recommend:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "申请已进入“%(state)s”，不能退回或收回入户调查") % {"state": application.get_state_display()})
    before = application.state
    application.investigation_recorded = False
    if unassign:
        application.investigators = []
        application.investigation_organisation = None
        application.investigator_users.clear()
    if application.state != State.ACCEPTED:
        application.state = State.ACCEPTED
        deadlines.start_step(application, Step.INVESTIGATION, today)
    application.save()
    step_record(application, actor, "withdraw_investigation" if unassign else "return_investigation",
                before, application.state, {"reason": reason})
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": "withdraw_investigation" if unassign else "return_investigation",
                         "from": before, "to": application.state, "reason": reason})
