"""Pages of emergency assistance (急难救助): report on a phone (报告急难), the case page with
one form per action the table offers, the township's duty list (急难值班), all cases with
the pager and Excel, and the overdue cases.

Reads go through the selectors (another township's case is 'not found', like a missing one);
every change is one service call, whose refusals come back onto the fields that asked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page
from jiuzhu.households.selectors import household_get, household_search

from . import page_selectors, selectors, services
from .choices import OPEN_STATES, ReferralOutcome
from .forms import (
    ACTION_FORMS,
    ActionForm,
    CaseFilterForm,
    ReassessForm,
    ReportForm,
    checklist_items,
    county_of,
    form_for,
)
from .models import EmergencyCase
from .workflow import CASE_WORKFLOW

PAGE_SIZE = 25
OPEN_PANELS = ("approve_help", "county_approve", "pay")
STYLES = {"approve_help": "danger", "county_approve": "danger", "pay": "danger",
          "decide_no_help": "outline-secondary", "release": "outline-secondary",
          "close": "outline-primary"}


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _case_or_404(request: HttpRequest, pk: int) -> EmergencyCase:
    try:
        return selectors.case_get(request.user, pk)
    except ServiceError as error:
        raise Http404(error.message) from None


# --- 报告急难 ------------------------------------------------------------------------------

@login_required
def report(request: HttpRequest) -> HttpResponse:
    """报告急难 on a phone: find the household (or register it on the spot), tell the event,
    tick the checklist; the answer is the case page with its colour."""
    user = request.user
    _require(user, "emergency.open_case")
    posted = request.method == "POST"
    household_pk = request.POST.get("household") if posted else request.GET.get("household")
    registering = (request.POST.get("household", "") == "") if posted else \
        request.GET.get("new") == "1"
    household = None
    if household_pk and str(household_pk).isdigit():
        try:
            household = household_get(user=user, pk=int(household_pk))
        except ServiceError:
            raise Http404(_("家庭不存在")) from None
        registering = False
    if household is None and not registering:
        q = request.GET.get("q", "").strip()
        results = list(household_search(user=user, q=q)[:20]) if q else []
        return render(request, "emergency/new.html", {"choosing": True, "q": q,
                                                      "results": results})
    region = household.region if household is not None else getattr(user, "region", None)
    items = checklist_items(county_of(region))
    form = ReportForm(request.POST if posted else None, user=user, items=items,
                      initial={"household": household.pk} if household else None)
    status = 200
    photo_errors: list[str] = []
    if posted:
        form.is_valid()
        photos = [(f.name or "", f.read()) for f in request.FILES.getlist("photos")]
        data = form.values()
        try:
            case = services.open_case(
                actor=user, household=household,
                new_household=None if household is not None else form.new_household(),
                source=data.get("source") or "", cause=data.get("cause") or "",
                occurred_on=data.get("occurred_on") or "", narrative=data.get("narrative") or "",
                checklist=list(data.get("checklist") or []),
                sudden_expense_fen=form.sudden_expense_fen(), photos=photos)
        except ServiceError as error:
            refuse_page(error)
            photo_errors = [e["message"] for e in error.errors
                            if str(e.get("path", "")).startswith("photos")]
            form.attach_errors([e for e in error.errors  # a field's own error is shown once
                                if not str(e.get("path", "")).startswith("photos")
                                and str(e.get("path", "")) not in form.errors],
                               error.message if not photo_errors else "")
            status = error.status
        else:
            messages.success(request, _("急难个案 %(number)s 已登记：%(level)s，请在 %(by)s 前响应。") % {
                "number": case.number, "level": case.get_level_display(),
                "by": timezone.localtime(case.respond_by).strftime("%Y-%m-%d %H:%M")})
            return redirect("emergency:detail", pk=case.pk)
    return render(request, "emergency/new.html", {
        "choosing": False, "form": form, "household": household, "photo_errors": photo_errors,
    }, status=status)


# --- the case page -------------------------------------------------------------------------

def _yuan(fen: int | None) -> str:
    return f"{Decimal(int(fen or 0)) / 100:,.2f}"


def _form_context(action: str, case: EmergencyCase, user: Any) -> dict[str, Any]:
    """What an action's form needs to offer its choices (funds, departments, referrals)."""
    context: dict[str, Any] = {}
    if action == "approve_help":
        context["funds"] = page_selectors.funds_for(user, case)
        context["may_override"] = user.has_perm("emergency.override_repeat")
    elif action == "refer":
        from jiuzhu.catalogue.models import Department

        context["departments"] = [(d.code, d.name) for d in Department.objects.order_by("code")]
    elif action == "record_referral":
        context["pending_referrals"] = list(case.referrals.filter(outcome=ReferralOutcome.PENDING))
    elif action == "open_procedure":
        from jiuzhu.catalogue.selectors import item_names

        context["item_names"] = item_names()
    return context


def _build_form(action: str, case: EmergencyCase, user: Any, *, data: Any = None) -> ActionForm:
    cls = form_for(action)
    kwargs: dict[str, Any] = {"case": case, "context": _form_context(action, case, user),
                              "prefix": action}
    if cls is ReassessForm:
        kwargs["items"] = checklist_items(county_of(case.township))
    return cls(data, **kwargs) if data is not None else cls(**kwargs)


def _intro(action: str, case: EmergencyCase) -> str:
    if action == "approve_help":
        limits = _help_limits(case)
        if limits:
            return _("乡镇审批限额 %(limit)s 元（超过转县级审批）；本事件救助上限 %(cap)s 元，"
                     "已救助 %(given)s 元。") % limits
    if action == "pay":
        return _("请领取人核对金额后在下方签名，发放后自动生成领取凭证。")
    return ""


def _help_limits(case: EmergencyCase) -> dict[str, str] | None:
    try:
        limits = page_selectors.help_limits(case)
    except ServiceError:
        return None
    return {"limit": _yuan(limits["township_fen"]), "township": _yuan(limits["township_fen"]),
            "cap": _yuan(limits["cap_fen"]), "given": _yuan(limits["given_fen"])}


def _action_panels(request: HttpRequest, case: EmergencyCase,
                   bound: tuple[str, ActionForm] | None) -> list[dict[str, Any]]:
    panels = []
    for offer in CASE_WORKFLOW.offers(request.user, case):
        action = offer.name
        if action not in ACTION_FORMS:
            continue
        if action == "record_referral" and not case.referrals.filter(
                outcome=ReferralOutcome.PENDING).exists():
            continue
        panel: dict[str, Any] = {"action": action, "label": _(offer.label),
                                 "style": offer.extra.get("style") or STYLES.get(action, "primary")}
        if not offer.allowed:
            panel["refused"] = offer.reason
        elif bound and bound[0] == action:
            panel["form"] = bound[1]
        else:
            panel["form"] = _build_form(action, case, request.user)
        panel["intro"] = _intro(action, case) if "form" in panel else ""
        # the steps that help now are open; the others (re-assess, refer, monitor …) fold
        panel["open"] = action in OPEN_PANELS or bool(bound and bound[0] == action)
        panels.append(panel)
    return panels


def _render_detail(request: HttpRequest, case: EmergencyCase, *,
                   bound: tuple[str, ActionForm] | None = None, error: ServiceError | None = None,
                   status: int = 200) -> HttpResponse:
    from jiuzhu.documents.selectors import documents_for

    today = timezone.localdate()
    labels = dict(ReferralOutcome.choices)
    referrals = [{"row": r, "outcome": r.outcome_on(today),
                  "outcome_label": labels.get(r.outcome_on(today), r.outcome)}
                 for r in case.referrals.all()]
    application = case.application if case.application_id else None
    application_item = ""
    if application is not None:
        from jiuzhu.catalogue.selectors import item_names

        application_item = item_names().get(application.item_code, application.item_code)
    return render(request, "emergency/detail.html", {
        "case": case, "household": case.household, "village_name": page_selectors.village_name(case),
        "deadline": page_selectors.deadline_view(case),
        "photos": list(case.photos.all()),
        "assessments": list(case.assessments.select_related("by")),
        "helps": page_selectors.helps_of(case),
        "steps": page_selectors.steps_of(case),
        "help_limits": _help_limits(case),
        "referrals": referrals,
        "application": application, "application_item": application_item,
        "documents": documents_for(case),
        "panels": _action_panels(request, case, bound),
        "open_panel": bound[0] if bound else "",
        "error": error, "error_action": _(CASE_WORKFLOW.label(bound[0])) if bound else "",
        "sudden_expense": _yuan(case.sudden_expense_fen),
        "may_open_household": request.user.has_perm("households.view_list"),
    }, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """急难个案: the level with its explanation and history, the deadline, the household, the
    event, first help, referrals, the papers and the forms of the actions offered."""
    case = _case_or_404(request, pk)
    audit_read(request, case)
    return _render_detail(request, case)


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action of ``CASE_WORKFLOW`` through the service; a refusal re-renders the page
    with the form as typed and the error on its field."""
    case = _case_or_404(request, pk)
    if action not in CASE_WORKFLOW or action not in ACTION_FORMS:
        raise Http404(_("没有这个动作"))
    form = _build_form(action, case, request.user, data=request.POST)
    if not form.is_valid():
        return _render_detail(request, case, bound=(action, form), status=422)
    try:
        services.case_act(actor=request.user, case=case.pk, action=action,
                          data=form.to_service())
    except ServiceError as error:
        refuse_page(error)
        if error.code == ErrorCode.VALIDATION or error.errors:
            form.attach_errors(error.errors, error.message)
        case = _case_or_404(request, pk)
        return _render_detail(request, case, bound=(action, form),
                              error=error if error.code != ErrorCode.VALIDATION else None,
                              status=error.status)
    messages.success(request, _("已完成：%(action)s") % {"action": _(CASE_WORKFLOW.label(action))})
    return redirect("emergency:detail", pk=pk)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of an event the user may see (never a public media URL)."""
    from .models import EventPhoto

    row = EventPhoto.objects.filter(pk=pk).only("case_id", "file", "content_type").first()
    case = (EmergencyCase.objects.visible_to(request.user).filter(pk=row.case_id).first()
            if row is not None else None)
    if row is None or case is None:
        raise Http404(_("照片不存在"))
    audit_read(request, case, "download", photo=row.pk)
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def receipt_signature(request: HttpRequest, pk: int) -> FileResponse:
    """The payee's drawn signature of a first help's receipt."""
    help_row = page_selectors.help_get(user=request.user, pk=pk)
    if help_row is None or not help_row.receipt_signature:
        raise Http404(_("签名不存在"))
    audit_read(request, help_row.case, "download", signature=help_row.pk)
    response = FileResponse(help_row.receipt_signature.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- lists ---------------------------------------------------------------------------------

def _rows(cases: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    return [{"case": c, "village": page_selectors.village_name(c),
             "deadline": page_selectors.deadline_view(c, now=now)} for c in cases]


@login_required
@require_GET
def duty(request: HttpRequest) -> HttpResponse:
    """急难值班: the township's open cases, red first then by deadline (cards on a phone;
    htmx refreshes the rows every minute)."""
    _require(request.user, "emergency.view_duty")
    rows = _rows(selectors.duty_list(request.user))
    if request.GET.get("rows") == "1":
        return render(request, "emergency/_duty_rows.html", {"rows": rows})
    return render(request, "emergency/duty.html", {
        "rows": rows, "counts": page_selectors.level_counts(request.user),
        "overdue": len(page_selectors.overdue_cases(request.user)),
        "may_report": request.user.has_perm("emergency.open_case")})


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """急难个案: every case of the region, newest first, by level, state and alert."""
    _require(request.user, "emergency.view_list")
    form = CaseFilterForm(request.GET or None)
    f = form.filters()
    cases = selectors.cases(request.user, level=f["level"], state=f["state"], query=f["q"]) \
        .select_related("region__parent")
    if f["alert"]:  # computed from the deadlines and now, not stored
        alerted = selectors.with_alert(cases.filter(state__in=OPEN_STATES))
        cases = cases.filter(pk__in=[c.pk for c in alerted
                                     if getattr(c, "alert", "") == f["alert"]])
    cases = cases.order_by("-opened_at", "-pk")
    if request.GET.get("export") == "xlsx":
        return _export(request, cases)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "emergency/list.html", {
        "form": form, "page": page, "rows": _rows(page.object_list),
        "may_report": request.user.has_perm("emergency.open_case")})


def _export(request: HttpRequest, cases: Any) -> HttpResponse:
    from jiuzhu.audit.downloads import list_response
    from jiuzhu.calendars.alerts import alert_label

    headers = [_("个案编号"), _("响应等级"), _("评估得分"), _("户主"), _("家庭编号"),
               _("所在村（社区）"), _("乡镇（街道）"), _("致困原因"), _("发生日期"), _("状态"),
               _("登记时间"), _("响应时限"), _("响应时间"), _("响应方式"), _("补办手续期限"),
               _("预警")]
    now = timezone.now()

    def rows():
        for c in cases.iterator(chunk_size=2000):
            yield [c.number, c.get_level_display(), c.score, c.household.head_name,
                   c.household.household_id, page_selectors.village_name(c), c.township.name,
                   c.get_cause_display(), c.occurred_on, c.get_state_display(),
                   timezone.localtime(c.opened_at).replace(tzinfo=None),
                   timezone.localtime(c.respond_by).replace(tzinfo=None),
                   timezone.localtime(c.responded_at).replace(tzinfo=None) if c.responded_at else None,
                   c.get_response_display(), c.papers_due,
                   alert_label(page_selectors.deadline_view(c, now=now).alert)]
    return list_response(request, what="emergency_cases", name=str(_("急难个案")),
                         headers=headers, rows=rows())


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """超时个案: not responded in time, or papers overdue (in red)."""
    user = request.user
    if not (user.has_perm("emergency.view_list") or user.has_perm("emergency.view_duty")):
        raise PermissionDenied
    now = timezone.now()
    rows = [{"case": c, "what": what, "village": page_selectors.village_name(c),
             "deadline": page_selectors.deadline_view(c, now=now)}
            for c, what in page_selectors.overdue_cases(user, now=now)]
    return render(request, "emergency/overdue.html", {"rows": rows})

