"""Writes of social-worker cases: opening a case (by staff from the candidates, alongside an
emergency case or an application; automatically for after-care), the actions of the
transition table, and the daily job that opens after-care cases once."""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.models import Household

from .choices import AFTER_CARE_MONTHS, AFTER_HELP_DAYS, CaseState, Phase, Trigger
from .models import CaseStep, SocialCase, Visit
from .selectors import assigned_organisation, default_worker
from .workflow import CASE_WORKFLOW

logger = logging.getLogger(__name__)

#: the triggers each phase may be opened with
PHASE_TRIGGERS = {
    Phase.BEFORE: (Trigger.CIRCLE, Trigger.HARDSHIP, Trigger.LEAD),
    Phase.DURING: (Trigger.EMERGENCY, Trigger.APPLICATION),
    Phase.AFTER: (Trigger.AFTER_EMERGENCY, Trigger.LEFT_DIBAO),
}
#: how far back the daily job looks for a household that left dibao
LEFT_DIBAO_LOOKBACK_DAYS = 180


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _invalid(path: str, message: str) -> ServiceError:
    return ServiceError(ErrorCode.VALIDATION, message, [{"path": path, "message": message}])


@transaction.atomic
def case_open(*, actor: Any, household: Household | int, phase: str, trigger: str,
              emergency_case: Any = None, application: Any = None, lead: Any = None,
              social_worker: Any = None, organisation: Any = None, summary: str = "",
              origin_key: str | None = None, opened_at: datetime | None = None) -> SocialCase:
    """Open a case of ``household`` (visible to ``actor``) in ``phase`` for ``trigger``;
    assigned to ``social_worker`` (of their organisation), else to ``organisation``'s first
    social worker, else to the county's social-work organisation. An after-care case gets
    its visits due at 1, 3 and 6 months. 422 naming the field; 409 when the household has an
    open case already (or, for an automatic opening, when ``origin_key`` was opened)."""
    if not actor.has_perm("socialwork.open_case"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能开社工个案"))
    pk = household if isinstance(household, int) else household.pk
    found = Household.objects.visible_to(actor).select_related("region").filter(pk=pk).first()
    if found is None:
        raise _invalid("household_id", _("家庭不存在或不在您的辖区"))
    if phase not in PHASE_TRIGGERS:
        raise _invalid("phase", _("介入阶段不正确"))
    if trigger not in PHASE_TRIGGERS[Phase(phase)]:
        raise _invalid("trigger", _("触发原因与介入阶段不符"))
    if trigger == Trigger.EMERGENCY and (emergency_case is None
                                         or emergency_case.household_id != found.pk):
        raise _invalid("emergency_case_id", _("请选择该家庭的急难个案"))
    if trigger == Trigger.APPLICATION and (application is None
                                           or application.household_id != found.pk):
        raise _invalid("application_id", _("请选择该家庭的救助申请"))
    if social_worker is not None:
        if getattr(social_worker, "role", "") != "social_worker" or not social_worker.organisation_id:
            raise _invalid("social_worker", _("没有这位社工"))
        organisation = social_worker.organisation
    if organisation is None:
        organisation = assigned_organisation(found.region)
    if organisation is None:
        raise _invalid("organisation", _("本县没有承接社工服务的社会组织"))
    if social_worker is None:
        social_worker = default_worker(organisation)
    if origin_key and SocialCase.objects.filter(origin_key=origin_key).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该家庭的追踪个案已开过"))
    if origin_key is None and SocialCase.objects.filter(household=found,
                                                        state=CaseState.OPEN).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该家庭已有服务中的社工个案"))
    name = found.head_name or found.household_id
    opened_at = opened_at or timezone.now()
    case = SocialCase.objects.create(
        household=found, region=found.region, region_path=found.region_path,
        contact_name=name[:64], address=found.address, phone=found.phone,
        organisation=organisation, social_worker=social_worker, phase=phase, trigger=trigger,
        summary=summary, emergency_case=emergency_case, application=application, lead=lead,
        origin_key=origin_key or None, opened_at=opened_at,
        opened_by=actor if getattr(actor, "pk", None) else None)
    if phase == Phase.AFTER:
        start = timezone.localtime(opened_at).date()
        Visit.objects.bulk_create([Visit(case=case, due_on=add_months(start, m))
                                   for m in AFTER_CARE_MONTHS])
    CaseStep.objects.create(case=case, action="open", data={
        "phase": phase, "trigger": trigger,
        "social_worker": getattr(social_worker, "username", None)},
        actor=case.opened_by, actor_name=getattr(actor, "username", "") or "system")
    audit_record(actor=actor, action="create", obj=case,
                 detail={"social_case": case.number, "phase": phase, "trigger": trigger,
                         "organisation": organisation.pk})
    return case


def case_act(*, actor: Any, case: SocialCase | int, action: str,
             data: dict[str, Any] | None = None,
             photos: list[tuple[str, bytes]] | None = None) -> SocialCase:
    """Take ``action`` of :data:`~.workflow.CASE_WORKFLOW` (all checks there)."""
    result: SocialCase = CASE_WORKFLOW.perform(actor=actor, obj=case, action=action,
                                               data=data or {}, photos=photos or [])
    return result


# --- automatic after-care (事后追踪) ---------------------------------------------------------

def _open_once(key: str, **kwargs: Any) -> SocialCase | None:
    if SocialCase.objects.filter(origin_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return case_open(actor=SYSTEM, phase=Phase.AFTER, origin_key=key, **kwargs)
    except IntegrityError:  # opened by a concurrent run
        return None
    except ServiceError as error:
        logger.warning("socialwork: %s not opened: %s", key, error.message)
        return None


def open_after_care(*, today: date | None = None) -> list[SocialCase]:
    """Open, once each, the after-care cases due by ``today``: 1 month after an emergency
    help was paid (per emergency case), and when a dibao case was stopped (per application,
    stopped in the last 180 days)."""
    from jiuzhu.applications.models import ApplicationStep
    from jiuzhu.emergency.models import FirstHelp

    today = today or timezone.localdate()
    opened: list[SocialCase] = []
    paid_before = timezone.make_aware(datetime.combine(
        today - timedelta(days=AFTER_HELP_DAYS - 1), datetime.min.time()))
    helps = (FirstHelp.objects.filter(paid_at__isnull=False, paid_at__lt=paid_before,
                                      released_at__isnull=True)
             .select_related("case").order_by("paid_at", "id"))
    seen: set[int] = set()
    for help_ in helps:
        if help_.case_id in seen:
            continue
        seen.add(help_.case_id)
        case = _open_once(f"after_emergency:{help_.case_id}", household=help_.case.household_id,
                          trigger=Trigger.AFTER_EMERGENCY, emergency_case=help_.case,
                          summary=_("急难救助发放一个月后追踪"))
        if case is not None:
            opened.append(case)
    since = timezone.now() - timedelta(days=LEFT_DIBAO_LOOKBACK_DAYS)
    steps = (ApplicationStep.objects.filter(to_state="stopped", at__gte=since,
                                            application__item_code="MZ01")
             .select_related("application").order_by("at", "id"))
    for step in steps:
        application = step.application
        case = _open_once(f"left_dibao:{application.pk}", household=application.household_id,
                          trigger=Trigger.LEFT_DIBAO, application=application,
                          summary=_("退出低保后追踪"))
        if case is not None:
            opened.append(case)
    return opened


def daily() -> None:
    """The daily job (registered with the calendar's 01:00 run): open after-care cases."""
    open_after_care()


def need_source(actor: Any, value: Any) -> Any:
    """幸福云: a social worker posts a need for the family of one of their open cases (the
    case is recorded on the need). Registered with ``xingfu.services.register_need_source``
    as ``social_case_id``: another worker's case is 'not found', a closed one is refused
    naming the field."""
    from jiuzhu.xingfu.services import Source

    if not actor.has_perm("xingfu.post_need_for_case"):
        raise ServiceError(ErrorCode.FORBIDDEN,
                           _("只有负责该个案的社工可以从个案发布服务需求"))
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        raise _invalid("social_case_id", _("应为编号（整数）")) from None
    case = (SocialCase.objects.visible_to(actor).filter(pk=pk, social_worker_id=actor.pk)
            .select_related("household", "region").first())
    if case is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("社工个案不存在或不是您负责的个案"))
    if case.state != CaseState.OPEN:
        raise _invalid("social_case_id", _("个案已结案，不能再发布服务需求"))
    return Source(household=case.household, fields={"social_case": case},
                  family=case.contact_name, village=case.region.name,
                  address=case.address or case.household.address,
                  phone=case.phone or case.household.phone, back=f"socialwork:detail {case.pk}")
