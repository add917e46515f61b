"""Pages of grids and proactive discovery (一张网, 全城发现).

Another township's lead, task or grid is 'not found' exactly like a missing one; a role that
may not act gets 403; a refused form is shown again with the services' errors (422)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_read
from jiuzhu.core import masking
from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.households.models import Household
from jiuzhu.stations.models import LoveStation

from . import services
from .choices import (
    LeadStatus,
    Outcome,
    TaskStatus,
    visit_limit_days,
)
from .excel import leads_workbook_response
from .forms import AssignForm, CloseForm, ConvertForm, LeadFilterForm, LeadForm, VisitForm
from .models import GridAssignment, VisitPhoto, VisitTask
from .selectors import (
    grid_get,
    grids_visible_to,
    lead_get,
    lead_search,
    my_open_tasks,
    task_get,
    tasks_visible_to,
    with_alerts,
)

LIST_LIMIT = 300


def mask_id_number(value: str) -> str:
    """An ID number for an outside user (驿站站长…): the first 3 and the last 1 characters."""
    return f"{value[:3]}{'*' * (len(value) - 4)}{value[-1:]}" if len(value) > 4 else (
        "*" * len(value))


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _values(form: Any, *, blank: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form's values for a service: '' for a text that did not parse, None for ``blank``."""
    data = getattr(form, "cleaned_data", {})
    return {name: data.get(name, None if name in blank else "") for name in form.fields}


def _lead_or_404(request: HttpRequest, pk: int):
    try:
        return lead_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


def _task_or_404(request: HttpRequest, pk: int) -> VisitTask:
    try:
        return task_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


# --- leads -----------------------------------------------------------------------------------

@login_required
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    """线索: leads by state, source, township and overdue, newest first."""
    _require(request.user, "leads.view_list")
    form = LeadFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    leads = list(lead_search(user=request.user, today=today, **form.search_arguments())
                 .prefetch_related(Prefetch("tasks", VisitTask.objects.filter(
                     status=TaskStatus.OPEN).select_related("assignee"), to_attr="open_tasks"))
                 [:LIST_LIMIT])
    rows = []
    open_tasks = [lead.open_tasks[0] for lead in leads if lead.open_tasks]
    alerts = {row.task.pk: row.alert for row in with_alerts(open_tasks, today=today)}
    for lead in leads:
        task = lead.open_tasks[0] if lead.open_tasks else None
        rows.append({"lead": lead, "task": task, "alert": alerts.get(task.pk) if task else None})
    return render(request, "leads/lead_list.html", {
        "form": form, "rows": rows, "limit": LIST_LIMIT, "query": request.GET.urlencode(),
        "may_record": request.user.has_perm("leads.record_lead")})


@login_required
@require_GET
def lead_export(request: HttpRequest) -> HttpResponse:
    _require(request.user, "leads.view_list")
    """The filtered leads as an Excel workbook (线索台账)."""
    form = LeadFilterForm(request.GET or None, user=request.user)
    leads = lead_search(user=request.user, today=timezone.localdate(), **form.search_arguments())
    return leads_workbook_response(request=request, leads=leads)


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    """登记线索: phone-friendly; the hotline operator is a window worker entering it."""
    _require(request.user, "leads.record_lead")
    posted = request.method == "POST"
    station = None
    if (request.GET.get("station") or "").isdigit():
        station = LoveStation.objects.visible_to(request.user).filter(
            pk=int(request.GET["station"]), active=True).first()
    form = LeadForm(request.POST if posted else None, user=request.user, station=station)
    if posted and form.is_valid():
        try:
            lead = services.lead_record(actor=request.user, data=form.data_for_service())
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
        else:
            messages.success(request, _("线索 %(number)s 已登记。") % {"number": lead.number})
            return redirect("leads:detail", pk=lead.pk)
    return render(request, "leads/lead_form.html", {"form": form},
                  status=422 if posted else 200)


def _lead_page(request: HttpRequest, lead, *, convert_form: ConvertForm | None = None,
               close_form: CloseForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    tasks = list(lead.tasks.select_related("assignee", "closed_by").prefetch_related("photos"))
    open_tasks = [t for t in tasks if t.status == TaskStatus.OPEN]
    alerts = {row.task.pk: row.alert for row in with_alerts(open_tasks, today=today)}
    offered = {a.name for a in services.LEAD_WORKFLOW.available(user, lead)}  # the table's
    may_convert, may_close = "convert" in offered, "close" in offered
    outside = bool(getattr(user, "is_outside", False))
    return render(request, "leads/lead_detail.html", {
        "lead": lead, "outside": outside,
        "id_number": (mask_id_number(lead.id_number) if outside  # masked for staff too
                      else masking.mask_id_number(lead.id_number)), "tasks": [(t, alerts.get(t.pk)) for t in tasks],
        "recordable": {t.pk for t in open_tasks
                       if any(a.name == "record" for a in services.VISIT_WORKFLOW.available(user, t))},
        "events": lead.events.select_related("actor"),
        "convert_form": (convert_form or ConvertForm(user=user, lead=lead)) if may_convert else None,
        "close_form": (close_form or CloseForm()) if may_close else None,
        "needs_area_type": not (lead.region.area_type or getattr(lead.region.parent, "area_type", "")),
        "visit_limit": visit_limit_days(lead.urgency),
    }, status=status)


@login_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    audit_read(request, lead)
    return _lead_page(request, lead)


@login_required
@require_POST
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """转为家庭档案和走访任务."""
    lead = _lead_or_404(request, pk)
    _require(request.user, "leads.convert_lead")
    form = ConvertForm(request.POST, user=request.user, lead=lead)
    if form.is_valid():
        try:
            task = services.lead_convert(actor=request.user, lead=lead,
                                         **_values(form, blank=("assignee",)))
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
            messages.error(request, error.message)
            return _lead_page(request, _lead_or_404(request, pk), convert_form=form,
                              status=error.status)
        messages.success(request, _("已转为家庭 %(household)s，走访任务已派给 %(worker)s，"
                                    "应于 %(due)s 前走访。") % {
            "household": task.household.household_id, "worker": task.assignee,
            "due": task.due_on.isoformat()})
        return redirect("leads:detail", pk=pk)
    return _lead_page(request, lead, convert_form=form, status=422)


@login_required
@require_POST
def lead_close(request: HttpRequest, pk: int) -> HttpResponse:
    """办结线索 with an outcome (without one: 422 naming ``outcome``)."""
    lead = _lead_or_404(request, pk)
    _require(request.user, "leads.close_lead")
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.lead_close(actor=request.user, lead=lead, **_values(form))
    except ServiceError as error:
        refuse_page(error)
        form.attach_errors(error.errors, error.message)
        messages.error(request, error.message)
        return _lead_page(request, _lead_or_404(request, pk), close_form=form,
                          status=error.status)
    messages.success(request, _("线索已办结。"))
    return redirect("leads:detail", pk=pk)


# --- visits ----------------------------------------------------------------------------------

@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    """我的走访任务 (phone): the user's open visit tasks, the most urgent first."""
    _require(request.user, "leads.view_my_tasks")
    today = timezone.localdate()
    rows = with_alerts(list(my_open_tasks(user=request.user)[:200]), today=today)
    return render(request, "leads/my_tasks.html", {"rows": rows, "today": today})


@login_required
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit task: record the visit and its outcome (phone)."""
    task = _task_or_404(request, pk)
    posted = request.method == "POST"
    if not posted:
        audit_read(request, task.lead, via="visit")
    form = VisitForm(request.POST if posted else None,
                     initial={"visited_on": timezone.localdate()})
    status = 200
    if posted:
        form.is_valid()
        photos = [(f.name or "", f.read()) for f in request.FILES.getlist("photos")]
        try:
            services.visit_record(actor=request.user, task=task, photos=photos,
                                  **_values(form, blank=("visited_on",)))
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
            status = error.status
        else:
            messages.success(request, _("走访已记录：%(outcome)s") % {
                "outcome": dict(Outcome.choices).get(form.cleaned_data["outcome"])})
            return redirect("leads:my_tasks")
    return render(request, "leads/visit.html", {
        "task": task, "lead": task.lead, "form": form,
        "may_record": any(a.name == "record"
                          for a in services.VISIT_WORKFLOW.available(request.user, task)),
        "alert": with_alerts([task], today=timezone.localdate())[0].alert
        if task.status == TaskStatus.OPEN else None,
        "photo_errors": form.errors.get("photos") if form.is_bound else None,
    }, status=status)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    row = VisitPhoto.objects.filter(pk=pk).only("task_id", "file", "content_type").first()
    if row is None or not tasks_visible_to(request.user).filter(pk=row.task_id).exists():
        raise Http404
    audit_read(request, row, "download", region_path=tasks_visible_to(request.user)
               .filter(pk=row.task_id).values_list("region_path", flat=True).first() or "")
    return FileResponse(row.file.open("rb"), content_type=row.content_type)


# --- grids -----------------------------------------------------------------------------------

@login_required
def grid_list(request: HttpRequest) -> HttpResponse:
    """网格责任人: every grid of the region with its responsible workers; name one (POST)."""
    user = request.user
    _require(user, "leads.view_grids")
    grids = list(grids_visible_to(user).select_related("parent").prefetch_related(Prefetch("grid_assignments",
                                   GridAssignment.objects.select_related("worker"))))
    may_manage = user.has_perm("leads.manage_grids")
    posted = request.method == "POST"
    form = AssignForm(request.POST if posted else None, user=user, grids=grids) if may_manage else None
    if posted:
        _require(user, "leads.manage_grids")
        assert form is not None
        if form.is_valid():
            try:
                services.grid_assign(actor=user, grid=form.cleaned_data["grid"],
                                     worker=form.cleaned_data["worker"])
            except ServiceError as error:
                refuse_page(error)
                form.attach_errors(error.errors, error.message)
            else:
                messages.success(request, _("已指定网格责任人。"))
                return redirect("leads:grids")
    return render(request, "leads/grid_list.html", {
        "grids": grids, "form": form, "may_manage": may_manage},
        status=422 if posted else 200)


@login_required
@require_POST
def grid_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "leads.manage_grids")
    assignment = GridAssignment.objects.select_related("grid", "worker").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    try:
        services.grid_unassign(actor=request.user, assignment=assignment)
    except ServiceError as error:
        refuse_page(error)
        raise
    messages.success(request, _("已取消该网格员的责任。"))
    return redirect("leads:grids")


@login_required
@require_GET
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A grid: its responsible workers, the households found in it and its open visit tasks."""
    _require(request.user, "leads.view_grids")
    try:
        grid = grid_get(user=request.user, code=code)
    except ServiceError as error:
        raise Http404(error.message) from None
    today = timezone.localdate()
    workers = [a.worker for a in GridAssignment.objects.filter(grid=grid)
               .select_related("worker").order_by("id")]
    tasks = list(VisitTask.objects.visible_to(request.user).within(grid)
                 .filter(status=TaskStatus.OPEN)
                 .select_related("lead", "household", "assignee").order_by("due_on", "id")[:200])
    # the households living in the grid, and those its leads were found in
    in_grid = (Household.objects.within(grid)
               | Household.objects.filter(pk__in=lead_search(user=request.user).within(grid)
                                          .values("household_id")))
    households = list((Household.objects.visible_to(request.user) & in_grid)
                      .select_related("region").distinct().order_by("household_id")[:200])
    leads = lead_search(user=request.user).within(grid)
    return render(request, "leads/grid_detail.html", {
        "grid": grid, "workers": workers, "rows": with_alerts(tasks, today=today),
        "households": households, "open_leads": leads.exclude(status=LeadStatus.CLOSED).count(),
        "village": grid.parent})
