"""Pages of the one-window intake (一门受理): the intake form, the receipt, the window
queue, the request page, the department officer's inbox, the supervisor's overdue list
with urges, and the resident's public tracking page.

Reads go through the selectors (another township's request is 'not found'); every change
is one service call whose refusals come back on the page that asked (422 on the fields,
409/403 as an alert)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.applications.choices import Channel
from jiuzhu.applications.materials import scans_required
from jiuzhu.audit.downloads import xlsx_response
from jiuzhu.audit.services import audit_read
from jiuzhu.catalogue.selectors import items_in_force
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.selectors import household_get

from . import selectors, services
from .choices import RequestStatus, Result
from .deadlines import PROVISIONAL_NOTE, any_provisional, request_deadlines
from .models import Request, RequestItem
from .receipt import receipt_pdf

PAGE_SIZE = 20
EXPORT_LIMIT = 10_000


def _may_take(user: Any) -> bool:
    return bool(user.has_perm("intake.take_request"))


def _is_supervisor(user: Any) -> bool:
    return bool(user.has_perm("intake.view_overdue"))


def _errors_by_path(error: ServiceError) -> dict[str, str]:
    """Field errors keyed for templates: ``applicant.name`` → ``applicant_name``,
    ``items[2]`` → ``items_2``."""
    out: dict[str, str] = {}
    for entry in error.errors:
        key = str(entry.get("path", "")).replace(".", "_").replace("[", "_").replace("]", "")
        out.setdefault(key or "form", str(entry.get("message", "")))
    return out


def _catalogue_groups(on: Any) -> list[dict[str, Any]]:
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for item in items_in_force(on):
        group = groups.setdefault(item.department.code, {"department": item.department, "items": []})
        group["items"].append(item)
    return list(groups.values())


# --- the intake form ----------------------------------------------------------------------

@login_required
def household_search(request: HttpRequest) -> HttpResponse:
    """HTMX: at most 20 households by ID number, name (prefix) or address, as table rows."""
    q = request.GET.get("q", "").strip()
    rows = selectors.household_find(user=request.user, q=q) if q else []
    items = request.GET.getlist("items")
    return render(request, "intake/_household_rows.html", {"rows": rows, "q": q, "items": items})


@login_required
def request_create_view(request: HttpRequest) -> HttpResponse:
    """一门受理: the household (search or ``?household=<pk>``), one or more items, the
    channel, each item's materials checklist and scans; ``?items=MZ01&items=JY02`` prefills."""
    if not _may_take(request.user):
        raise PermissionDenied(_("您的岗位不能受理申请"))
    today = timezone.localdate()
    household_pk = request.POST.get("household") or request.GET.get("household")
    household = None
    if household_pk and str(household_pk).isdigit():
        try:
            household = household_get(user=request.user, pk=int(household_pk))
        except ServiceError:
            raise Http404(_("家庭不存在")) from None
    selected = [c.upper() for c in (request.POST.getlist("items") if request.method == "POST"
                                    else request.GET.getlist("items"))]
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and household is not None:
        materials = {code: request.POST.getlist(f"m_{code}") for code in selected}
        files = []
        for upload in request.FILES.getlist("f_proxy"):  # 代办: the signed authorisation
            files.append(("代办授权书", upload.name or "", upload.read()))
        for field in request.FILES:
            if field.startswith("f_") and field != "f_proxy":
                _prefix, code, material = field.split("_", 2)
                if code.upper() not in selected:
                    continue
                for upload in request.FILES.getlist(field):
                    files.append((material, upload.name or "", upload.read()))
        applicant = {key: request.POST.get(f"applicant_{key}", "")
                     for key in ("name", "phone", "id_number", "agent_name", "agent_phone",
                                 "agent_id_number")}
        try:
            created = services.request_create(
                actor=request.user, household=household, items=selected,
                channel=request.POST.get("channel", ""), materials=materials, files=files,
                applicant=applicant, tell_missing=True)
        except ServiceError as error:
            errors = _errors_by_path(error)
            messages.error(request, error.message)
            status = 409 if error.status == 409 else 422 if error.status == 422 else error.status
        else:
            messages.success(request, _("已受理，查询码 %(code)s") % {"code": created.query_code})
            return redirect("intake:receipt", pk=created.pk)
    receiving = selectors.items_receiving(household) if household else set()
    return render(request, "intake/create.html", {
        "household": household, "groups": _catalogue_groups(today), "selected": selected,
        "channels": Channel.choices, "channel": request.POST.get("channel", Channel.WINDOW),
        "errors": errors, "error_list": list(errors.values()), "post": request.POST if request.method == "POST" else {},
        "receiving": receiving, "q": request.GET.get("q", ""),
        "scan_required": scans_required(household.region.code) if household else frozenset(),
        "seen": {f"{code}|{m}" for code in selected for m in request.POST.getlist(f"m_{code}")}
        if request.method == "POST" else set(),
        "search_rows": selectors.household_find(user=request.user, q=request.GET.get("q", ""))
        if household is None and request.GET.get("q") else [],
    }, status=status)


@login_required
@require_POST
def request_from_prescription(request: HttpRequest) -> HttpResponse:
    """一并受理 from the 大处方: one request at the window holding every ticked item, in one
    step; lands on the request page, where the materials are recorded. A refusal goes to
    the intake form with the same household and items, which shows what to correct."""
    if not _may_take(request.user):
        raise PermissionDenied(_("您的岗位不能受理申请"))
    household_pk = request.POST.get("household", "")
    if not household_pk.isdigit():
        raise Http404(_("家庭不存在"))
    try:
        household = household_get(user=request.user, pk=int(household_pk))
    except ServiceError:
        raise Http404(_("家庭不存在")) from None
    selected = list(dict.fromkeys(c.strip().upper() for c in request.POST.getlist("items")
                                  if c.strip()))
    if not selected:
        messages.error(request, _("请至少勾选一个事项"))
        return redirect("assessments:prescription", pk=household.pk)
    try:
        created = services.request_create(actor=request.user, household=household,
                                          items=selected, channel=Channel.WINDOW)
    except ServiceError as error:
        details = [str(e.get("message", "")) for e in error.errors]
        messages.error(request, "；".join([error.message, *details]))
        query = "&".join([f"household={household.pk}", *(f"items={c}" for c in selected)])
        return redirect(f"{reverse('intake:create')}?{query}")
    messages.success(request, _("已为 %(n)s 个事项一并受理，查询码 %(code)s；请登记所收材料。") % {
        "n": len(selected), "code": created.query_code})
    return redirect("intake:detail", pk=created.pk)


# --- receipt -------------------------------------------------------------------------------

def _request_or_404(request: HttpRequest, pk: int) -> Request:
    try:
        return selectors.request_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """受理回执: printable HTML, or ``?format=pdf``."""
    intake = _request_or_404(request, pk)
    audit_read(request, intake, "download" if request.GET.get("format") == "pdf" else "view",
               page="receipt")
    if request.GET.get("format") == "pdf":
        response = HttpResponse(receipt_pdf(intake), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{intake.number}.pdf"'
        return response
    rows = request_deadlines(intake)
    return render(request, "intake/receipt.html", {
        "intake": intake, "track_url": reverse("selfservice:track"), "rows": rows,
        "missing_rows": [r for r in rows if r.missing], "provisional": any_provisional(rows),
        "provisional_note": _(PROVISIONAL_NOTE)})


# --- window queue and request page -------------------------------------------------------

@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """窗口待办: online requests awaiting the window first, then open requests."""
    if not request.user.has_perm("intake.view_queue"):
        raise PermissionDenied(_("部门经办人请在部门收件箱办理"))
    if request.GET.get("export") == "xlsx":
        return _queue_xlsx(request)
    page, rows = selectors.paged(selectors.window_queue(request.user), request.GET.get("page"),
                                 PAGE_SIZE * 2)
    names = {item.code: item.name for item in items_in_force()}
    for row in rows:  # items by name, not code
        row.item_names = [names.get(code, code) for code in row.requested_items or []]
    return render(request, "intake/queue.html", {"page": page, "rows": rows,
                                                 "may_take": _may_take(request.user)})


def _queue_xlsx(request: HttpRequest) -> HttpResponse:
    """窗口待办 as Excel (the same rows, audited as an export)."""
    from jiuzhu.audit.downloads import list_response
    from jiuzhu.catalogue.selectors import item_names

    names = item_names()
    queue = selectors.window_queue(request.user).select_related("region").prefetch_related("items")
    headers = [_("受理编号"), _("状态"), _("申请人"), _("渠道"), _("事项"), _("所在区划"), _("受理日期")]
    rows = ([r.number, r.get_status_display(), r.applicant_name, r.get_channel_display(),
             "、".join(item.item_name for item in r.items.all())
             or "、".join(names.get(code, code) for code in r.requested_items or []),
             r.region.name if r.region_id else "", r.received_on]
            for r in queue[:EXPORT_LIMIT])
    return list_response(request, what="intake_queue", name=str(_("窗口待办")), headers=headers,
                         rows=rows)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    intake = _request_or_404(request, pk)
    audit_read(request, intake)
    return _render_detail(request, intake)


def _render_detail(request: HttpRequest, intake: Request, *, errors: dict[int, dict[str, str]] | None = None,
                   status: int = 200) -> HttpResponse:
    user = request.user
    items = [{"item": item, "actions": services.actions_available(user, item)}
             for item in intake.items.all()]
    return render(request, "intake/detail.html", {
        "intake": intake, "items": items, "errors": errors or {},
        "is_supervisor": _is_supervisor(user),
        "may_take": "take" in {a.name for a in services.REQUEST_WORKFLOW.available(user, intake)},
        "results": Result.choices, "departments": _departments(),
        "search_rows": selectors.household_find(user=user, q=request.GET.get("q", ""))
        if intake.status == RequestStatus.AWAITING_WINDOW and request.GET.get("q") else [],
        # what the resident declared online, in names (village, members, incomes, items)
        "online": selectors.online_summary(intake) if intake.household_data else None,
    }, status=status)


@login_required
def request_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A scan of the request (uploaded online or at the window), opened in the browser:
    only for those who see the request, audited as a download."""
    intake = _request_or_404(request, pk)
    stored = intake.files.filter(pk=file_pk).first()
    if stored is None:
        raise Http404(_("文件不存在"))
    audit_read(request, intake, "download", file=stored.material or stored.original_name,
               sha256=stored.sha256)
    return FileResponse(stored.file.open("rb"), content_type=stored.content_type,
                        filename=stored.original_name or stored.file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """The window takes an online request: links a household or registers it from the data."""
    intake = _request_or_404(request, pk)
    household = None
    choice = request.POST.get("household", "")
    if choice and choice.isdigit():
        try:
            household = household_get(user=request.user, pk=int(choice))
        except ServiceError:
            raise Http404(_("家庭不存在")) from None
    codes = list(intake.requested_items)
    materials = {code: request.POST.getlist(f"m_{code}") for code in codes}
    try:
        services.request_take(actor=request.user, request=intake, household=household,
                              materials=materials)
    except ServiceError as error:
        messages.error(request, "；".join([error.message] + [
            f"{e.get('path')}: {e.get('message')}" for e in error.errors]))
        return _render_detail(request, intake, status=error.status)
    messages.success(request, _("已受理网上申请"))
    return redirect("intake:receipt", pk=intake.pk)


# --- officer's inbox and actions ----------------------------------------------------------

@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """部门待办: the officer's department items in their region, alerts and urges first."""
    user = request.user
    if not user.has_perm("intake.view_inbox"):
        raise PermissionDenied(_("只有部门经办人使用部门待办"))
    page, rows = selectors.paged(selectors.officer_inbox(user), request.GET.get("page"), PAGE_SIZE)
    items = [{"item": item, "actions": services.actions_available(user, item)} for item in rows]
    departments = _departments()
    department = getattr(user, "department", "")  # login required: a User, never anonymous
    return render(request, "intake/inbox.html", {
        "items": items, "page": page, "results": Result.choices, "departments": departments,
        "department_name": dict(departments).get(department, department)})


def _departments() -> list[tuple[str, str]]:
    """The departments an item can be co-handled with (code, name), for the choice list."""
    from jiuzhu.catalogue.models import Department

    return list(Department.objects.order_by("id").values_list("code", "name"))


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _form_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("note", "reason", "result", "amount"):
        if key in request.POST:
            data[key] = request.POST[key]
    for key in ("missing", "materials", "departments"):
        values = [v for v in request.POST.getlist(key) if v.strip()]
        if len(values) == 1 and any(sep in values[0] for sep in ",，、"):
            values = [v.strip() for v in values[0].replace("，", ",").replace("、", ",").split(",")
                      if v.strip()]
        if key in request.POST:
            data[key] = values
    return data


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action's form → ``item_act``; refusals come back as an alert with the fields."""
    try:
        item = selectors.item_get(user=request.user, pk=pk)
    except ServiceError:
        raise Http404(_("事项不存在")) from None
    fallback = reverse("intake:detail", args=[item.request_id])
    try:
        services.item_act(actor=request.user, item=item, action=action, data=_form_data(request))
    except ServiceError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        details = "；".join(f"{e.get('path')}：{e.get('message')}" for e in error.errors)
        messages.error(request, f"{item.item_code} {error.message}" + (f"（{details}）" if details else ""))
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        return redirect(_next_url(request, fallback))
    messages.success(request, _("已办理：%(item)s %(action)s") % {
        "item": item.item_code, "action": services.ACTION_LABELS.get(action, action)})
    return redirect(_next_url(request, fallback))


# --- supervision ----------------------------------------------------------------------------

@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """督办: yellow and red department items of the region, with an urge form; ``?format=xlsx``."""
    if not _is_supervisor(request.user):
        raise PermissionDenied(_("只有督办人员可以查看"))
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        return _overdue_xlsx(request, list(selectors.overdue_items(request.user)[:EXPORT_LIMIT]))
    page, rows = selectors.paged(selectors.overdue_items(request.user), request.GET.get("page"),
                                 PAGE_SIZE)
    return render(request, "intake/overdue.html", {
        "page": page, "red": [r for r in rows if r.alert == "red"],
        "yellow": [r for r in rows if r.alert == "yellow"], "today": today})


def _overdue_xlsx(request: HttpRequest, rows: list[RequestItem]) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook: its one (active) sheet
    sheet.title = "督办清单"
    headers = ["受理编号", "事项编码", "事项名称", "牵头部门", "申请人", "状态", "预警", "期限", "督办次数"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    department_names = dict(_departments())
    for row in rows:
        sheet.append([row.request.number, row.item_code, row.item_name,
                      department_names.get(row.department_code, row.department_code),
                      selectors.mask_name(row.request.applicant_name), row.get_state_display(),
                      row.get_alert_display(), row.due_date, len(row.urges.all())])
    return xlsx_response(request, book, what="intake_overdue", rows=len(rows),
                         name="intake-overdue")


@login_required
@require_POST
def urge_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.item_get(user=request.user, pk=pk)
    except ServiceError:
        raise Http404(_("事项不存在")) from None
    try:
        services.urge(actor=request.user, item=item, message=request.POST.get("message", ""))
    except ServiceError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("已督办：%(item)s") % {"item": item.item_code})
    return redirect(_next_url(request, reverse("intake:overdue")))


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.urge_acknowledge(actor=request.user, urge=pk)
    except ServiceError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("已签收督办"))
    return redirect(_next_url(request, reverse("intake:inbox")))


# --- public tracking ------------------------------------------------------------------------

def track(request: HttpRequest) -> HttpResponse:
    """进度查询 lives in the resident self-service app, where the query code must come with
    the last 4 characters of the applicant's ID number (a leaked code alone shows nothing)."""
    code = request.GET.get("code", "").strip().upper()[:8]
    target = reverse("selfservice:track")
    return redirect(f"{target}?code={code}" if code else target)
