"""Pages of social-worker cases: staff's list, candidates and opening; the case page (staff
and the assigned social worker); the social worker's phone pages (my cases, the visit form).

A social worker's pages show of the family only the contact's name, village, address, phone
and needs — never an income, an ID number or a link to the household page. A case the user
may not see is 'not found' like a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuzhu.audit.downloads import list_response
from jiuzhu.audit.services import audit_read
from jiuzhu.calendars.alerts import alert_label
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page
from jiuzhu.xingfu.selectors import posted_needs

from . import services
from .choices import (
    CaseState,
    GoalOutcome,
    NeedKind,
    Phase,
    ReferralTarget,
    Trigger,
    VisitKind,
)
from .models import Goal, SocialCase
from .selectors import candidates, case_get, cases_visible_to, social_workers
from .workflow import CASE_WORKFLOW

PAGE_SIZE = 30
ALERTS = (("red", _("红色预警（超时）")), ("yellow", _("黄色预警")), ("none", _("正常")))


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _case_or_404(request: HttpRequest, pk: int) -> SocialCase:
    try:
        return case_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


def _date(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


# --- staff ---------------------------------------------------------------------------------

@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """社工个案: the region's cases by phase, state and alert, the most urgent first."""
    _require(request.user, "socialwork.view_list")
    phase, state, alert = (request.GET.get(k, "") for k in ("phase", "state", "alert"))
    qs = cases_visible_to(request.user).with_alert()
    if phase in Phase.values:
        qs = qs.filter(phase=phase)
    if state in CaseState.values:
        qs = qs.filter(state=state)
    if alert in ("red", "yellow", "none"):
        qs = qs.filter(**{"alert": alert})
    qs = qs.order_by("alert_rank", "next_visit_due", "-opened_at", "-id")
    if request.GET.get("export") == "xlsx":
        return list_response(
            request, what="socialwork", name=_("社工个案"),
            headers=[_("个案编号"), _("联系人"), _("所在村（社区）"), _("介入阶段"), _("触发原因"),
                     _("社会组织"), _("社工"), _("状态"), _("下次回访"), _("预警"), _("开案时间")],
            rows=([c.number, c.contact_name, c.region.name, c.get_phase_display(),
                   c.get_trigger_display(), c.organisation.name,
                   c.social_worker.full_name if c.social_worker else "", c.get_state_display(),
                   c.next_visit_due, alert_label(c.alert),  # type: ignore[attr-defined]
                   timezone.localtime(c.opened_at).strftime("%Y-%m-%d")] for c in qs))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "socialwork/list.html", {
        "page": page, "phases": Phase.choices, "states": CaseState.choices, "alerts": ALERTS,
        "phase": phase, "state": state, "alert": alert,
        "may_open": request.user.has_perm("socialwork.open_case")})


@login_required
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    """事前干预候选家庭: circles 3–4 or the county's top 10 %, receiving nothing."""
    _require(request.user, "socialwork.view_candidates")
    page = Paginator(candidates(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "socialwork/candidates.html", {
        "page": page, "workers": social_workers()})


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    """开社工个案: from the candidates (事前干预), or alongside an emergency case or an
    application picked here (事中介入)."""
    from jiuzhu.accounts.models import User
    from jiuzhu.applications.choices import OPEN_STATES as APPLICATION_OPEN
    from jiuzhu.applications.models import Application
    from jiuzhu.emergency.choices import OPEN_STATES as EMERGENCY_OPEN
    from jiuzhu.emergency.models import EmergencyCase

    _require(request.user, "socialwork.open_case")
    user = request.user
    emergencies = (EmergencyCase.objects.visible_to(user).filter(state__in=EMERGENCY_OPEN)
                   .select_related("household", "region").order_by("-opened_at")[:100])
    applications = (Application.objects.visible_to(user)
                    .filter(state__in=[*APPLICATION_OPEN, "approved", "in_payment"])
                    .select_related("household", "region").order_by("-id")[:100])
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        trigger = post.get("trigger", "")
        phase = {"circle": "before", "hardship": "before", "emergency": "during",
                 "application": "during"}.get(trigger, "")
        worker = None
        if post.get("social_worker"):
            worker = User.objects.filter(username=post["social_worker"],
                                         role="social_worker").first()
        emergency = application = None
        household: Any = post.get("household") or None
        if trigger == Trigger.EMERGENCY:
            emergency = EmergencyCase.objects.visible_to(user).filter(
                pk=post.get("emergency_case") or 0).first()
            household = emergency.household_id if emergency else None
        elif trigger == Trigger.APPLICATION:
            application = Application.objects.visible_to(user).filter(
                pk=post.get("application") or 0).first()
            household = application.household_id if application else None
        try:
            if household is None:
                raise ServiceError(ErrorCode.VALIDATION, _("请选择家庭"), [{
                    "path": "emergency_case_id" if trigger == Trigger.EMERGENCY else
                    "application_id" if trigger == Trigger.APPLICATION else "household_id",
                    "message": _("请选择家庭")}])
            case = services.case_open(actor=user, household=int(household), phase=phase,
                                      trigger=trigger, emergency_case=emergency,
                                      application=application, social_worker=worker,
                                      summary=post.get("summary", ""))
        except (ServiceError, ValueError) as error:
            if isinstance(error, ServiceError) and error.code == ErrorCode.FORBIDDEN:
                raise PermissionDenied(error.message) from None
            message = error.message if isinstance(error, ServiceError) else _("请选择家庭")
            messages.error(request, message)
            for item in getattr(error, "errors", None) or []:
                errors[item["path"]] = item["message"]
        else:
            messages.success(request, _("已开社工个案 %(number)s") % {"number": case.number})
            return redirect("socialwork:detail", pk=case.pk)
        status = 422
    else:
        status = 200
    return render(request, "socialwork/open.html", {
        "emergencies": emergencies, "applications": applications, "workers": social_workers(),
        "errors": errors}, status=status)


# --- a case --------------------------------------------------------------------------------

@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    audit_read(request, case)
    today = timezone.localdate()
    offers = {o.name: o for o in CASE_WORKFLOW.offers(request.user, case, today=today)}
    visits = list(case.visits.prefetch_related("photos"))
    for visit in visits:
        visit.alert_now = visit.alert(today)  # type: ignore[attr-defined]
    labels = {"open": _("开案"), **{k: _(v) for k, v in CASE_WORKFLOW.labels().items()}}
    return render(request, "socialwork/detail.html", {
        "case": case, "alert": case.current_alert(today), "offers": offers,
        "needs": case.needs.prefetch_related("goals"), "visits": visits,
        "referrals": case.referrals.all(),
        "steps": [(step, labels.get(step.action, step.action)) for step in case.steps.all()],
        "goals": Goal.objects.filter(need__case=case), "need_kinds": NeedKind.choices,
        "visit_kinds": VisitKind.choices, "referral_targets": ReferralTarget.choices,
        "outcomes": GoalOutcome.choices,
        "workers": social_workers() if "assign" in offers else [],
        "is_worker": request.user.pk == case.social_worker_id, "today": today,
        "service_needs": posted_needs(request.user, social_case=case)[:50],
        "may_post_need": (case.state == CaseState.OPEN
                          and request.user.pk == case.social_worker_id
                          and request.user.has_perm("xingfu.post_need_for_case"))})


def _action_data(action: str, post: Any) -> dict[str, Any]:
    if action == "assign":
        return {"social_worker": post.get("social_worker", "")}
    if action == "plan":
        goals = [{"text": t, "target_date": _date(d)}
                 for t, d in zip(post.getlist("goal_text"), post.getlist("goal_date"), strict=False)
                 if t.strip()]
        return {"needs": [{"kind": post.get("kind", ""), "description": post.get("description", ""),
                           "goals": goals}]}
    if action == "record_visit":
        return {k: v for k, v in {"done_on": _date(post.get("done_on")),
                                  "kind": post.get("kind", ""), "notes": post.get("notes", ""),
                                  "visit_id": post.get("visit_id") or None,
                                  "next_due_on": _date(post.get("next_due_on"))}.items()
                if v is not None}
    if action == "refer":
        return {"target": post.get("target", ""), "name": post.get("name", ""),
                "note": post.get("note", "")}
    if action == "close":
        return {"note": post.get("note", ""),
                "outcomes": {key[len("outcome_"):]: value for key, value in post.items()
                             if key.startswith("outcome_") and value}}
    return {}


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = _case_or_404(request, pk)
    if action not in CASE_WORKFLOW:
        raise Http404
    photos = [(f.name or "photo", f.read()) for f in request.FILES.getlist("photos")]
    try:
        services.case_act(actor=request.user, case=case.pk, action=action,
                          data=_action_data(action, request.POST), photos=photos)
    except ServiceError as error:
        refuse_page(error)
        details = "；".join(str(e.get("message", "")) for e in (error.errors or []))
        messages.error(request, f"{error.message}{'：' + details if details else ''}")
        if action == "record_visit":
            return visit_form(request, pk, status=422)
        return redirect("socialwork:detail", pk=pk)
    messages.success(request, _("已%(label)s") % {"label": _(CASE_WORKFLOW.label(action))})
    if action == "record_visit" and request.user.pk == case.social_worker_id:
        return redirect("socialwork:mine")
    return redirect("socialwork:detail", pk=pk)


# --- the social worker's phone pages -------------------------------------------------------

@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的社工个案: my open cases, the next visit due first (overdue in red)."""
    _require(request.user, "socialwork.view_mine")
    qs = (cases_visible_to(request.user).filter(social_worker_id=request.user.pk)
          .with_alert().order_by("state", "alert_rank", "next_visit_due", "-opened_at"))
    return render(request, "socialwork/mine.html", {"cases": qs[:200]})


@login_required
def visit_form(request: HttpRequest, pk: int, status: int = 200) -> HttpResponse:
    """记录回访 (the phone form): date, kind, notes, photos from the camera."""
    case = _case_or_404(request, pk)
    if not CASE_WORKFLOW.permitted(request.user, case, "record_visit"):
        raise PermissionDenied
    if case.state != CaseState.OPEN:
        messages.error(request, _("个案已结案"))
        return redirect("socialwork:detail", pk=pk)
    return render(request, "socialwork/visit.html", {
        "case": case, "planned": case.visits.filter(done_on__isnull=True),
        "visit_kinds": VisitKind.choices, "today": timezone.localdate().isoformat(),
        "post": request.POST if request.method == "POST" else {}}, status=status)
