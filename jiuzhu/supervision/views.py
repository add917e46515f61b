"""Pages of reviews (动态管理) and supervision (日常监管).

Another township's task or tip-off is 'not found' exactly like a missing one; a role
that may not act gets 403. Every page calls one service and shows its refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page
from jiuzhu.documents.selectors import documents_for
from jiuzhu.households.selectors import household_get

from . import services
from .forms import (
    CloseForm,
    InterviewForm,
    RecoveryForm,
    StatementForm,
    SuspendForm,
    TipOffForm,
)
from .selectors import review_task_get, review_tasks_open, tipoff_get, tipoffs_visible_to


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


# --- reviews ---------------------------------------------------------------------------------

@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """复核任务: the open reviews of the user's region, overdue ones first (in red)."""
    _require(request.user, "supervision.view_reviews")
    tasks = list(review_tasks_open(user=request.user)[:500])
    return render(request, "supervision/review_list.html",
                  {"tasks": tasks, "today": timezone.localdate()})


def _task_or_404(request: HttpRequest, pk: int):
    try:
        return review_task_get(user=request.user, pk=pk)
    except ServiceError as error:
        refuse_page(error)
        raise


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A review task: run it (POST) and see the result and its documents."""
    task = _task_or_404(request, pk)
    _require(request.user, "supervision.view_reviews")
    status = 200
    if request.method == "POST":
        try:
            task = services.review_run(actor=request.user, task=task)
        except ServiceError as error:
            refuse_page(error)
            messages.error(request, error.message)
            status = 409 if error.status == 409 else 422
        else:
            messages.success(request, _("复核完成：%(outcome)s") % {"outcome": task.get_outcome_display()})
            return redirect("supervision:review", pk=task.pk)
    application = task.application
    if request.method != "POST":
        audit_read(request, application, via="review")
    return render(request, "supervision/review_detail.html", {
        "task": task, "application": application, "documents": documents_for(application),
        "statement_form": StatementForm(),
        "has_statement": services.statement_notice_issued(application),
        # the table's answer: offered when open and the user may run it, disabled (with
        # the reason) when the case is no longer paid
        "run": next(iter(services.REVIEW_WORKFLOW.offers(request.user, task)), None),
    }, status=status)


@login_required
@require_POST
def review_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """陈述申辩告知 (D23) from the review page, before a stop."""
    task = _task_or_404(request, pk)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.application_statement_notice(actor=request.user, application=task.application,
                                                   **form.cleaned_data)
        except ServiceError as error:
            refuse_page(error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("已出具陈述申辩告知书"))
    else:
        messages.error(request, _("请填写拟作出的决定和认定的事实"))
    return redirect("supervision:review", pk=task.pk)


# --- tip-offs --------------------------------------------------------------------------------

@login_required
def tipoff_list(request: HttpRequest) -> HttpResponse:
    """举报核查: the tip-offs of the user's region; record a new one."""
    _require(request.user, "supervision.view_tipoffs")
    posted = request.method == "POST"
    form = TipOffForm(request.POST if posted else None,
                      initial={"received_on": timezone.localdate()})
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            household = household_get(user=request.user, household_id=data["household_id"].strip())
            tip_off = services.tipoff_record(actor=request.user, household=household,
                                             source=data["source"], content=data["content"],
                                             received_on=data["received_on"])
        except ServiceError as error:
            if error.code == ErrorCode.FORBIDDEN:
                raise PermissionDenied(error.message) from None
            form.attach_errors(error.errors or [{"path": "household_id", "message": error.message}],
                               error.message)
        else:
            messages.success(request, _("举报已登记，已出具举报核查记录"))
            return redirect("supervision:tipoff", pk=tip_off.pk)
    tip_offs = tipoffs_visible_to(request.user)[:200]
    return render(request, "supervision/tipoff_list.html", {"form": form, "tip_offs": tip_offs},
                  status=422 if posted else 200)


ACTIONS: dict[str, tuple[type[Any], Callable[..., Any]]] = {
    "interview": (InterviewForm, services.tipoff_interview),
    "suspend": (SuspendForm, services.tipoff_suspend),
    "statement": (StatementForm, services.tipoff_statement_notice),
    "recover": (RecoveryForm, services.tipoff_recovery_order),
    "close": (CloseForm, services.tipoff_close),
}


def _tipoff_page(request: HttpRequest, tip_off, *, forms: dict[str, Any] | None = None,
                 status: int = 200) -> HttpResponse:
    forms = {name: form_class() for name, (form_class, _service) in ACTIONS.items()} | (forms or {})
    # the actions the table offers this user now; one a condition refuses (a suspension of
    # a case not in payment, a recovery before D23) is shown disabled with the reason
    offers = services.TIPOFF_WORKFLOW.offers(request.user, tip_off)
    panels = [(offer, forms[offer.name]) for offer in offers if offer.name in forms]
    return render(request, "supervision/tipoff_detail.html", {
        "tip_off": tip_off, "application": tip_off.application, "panels": panels,
        "events": tip_off.events.select_related("actor"),
        "documents": documents_for(tip_off.application),
        "has_statement": services.statement_notice_issued(tip_off.application),
    }, status=status)


def _tipoff_or_404(request: HttpRequest, pk: int):
    try:
        tip_off = tipoff_get(user=request.user, pk=pk)
    except ServiceError as error:
        refuse_page(error)
        raise
    _require(request.user, "supervision.view_tipoffs")
    return tip_off


@login_required
@require_GET
def tipoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tip_off = _tipoff_or_404(request, pk)
    audit_read(request, tip_off)
    return _tipoff_page(request, tip_off)


@login_required
@require_POST
def tipoff_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action on a tip-off: interview, suspend, statement, recover or close."""
    tip_off = _tipoff_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, service = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, tip_off=tip_off, **form.cleaned_data)
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
            messages.error(request, error.message)
            return _tipoff_page(request, tipoff_get(user=request.user, pk=pk),
                                forms={action: form}, status=error.status)
        messages.success(request, _("已办理"))
        return redirect("supervision:tipoff", pk=pk)
    return _tipoff_page(request, tip_off, forms={action: form}, status=422)
