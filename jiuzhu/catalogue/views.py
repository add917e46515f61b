"""Pages of the catalogue: its administration (政策清单管理, system administrators and
superusers only; others get 403) and the generalist's handbook (口袋书, every staff user).

Every change goes through one service call; its refusals come back onto the fields of
the form that asked (422), and nothing is written."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.downloads import xlsx_response
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page

from . import selectors, services
from .excel import export_workbook
from .forms import DepartmentForm, ImportForm, ItemForm, NewItemForm, RetireForm
from .handbook import handbook_content
from .models import Item


def _require_admin(request: HttpRequest) -> None:
    if not request.user.has_perm("catalogue.administer"):
        raise PermissionDenied(_("只有系统管理员可以维护政策清单"))


def _tomorrow() -> Any:
    return timezone.localdate() + timedelta(days=1)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- administration ---------------------------------------------------------------------------

@login_required
@require_GET
def admin_list(request: HttpRequest) -> HttpResponse:
    """政策清单管理: the items in force today, filtered by department."""
    _require_admin(request)
    department = request.GET.get("department", "")
    items = selectors.items_search(department=department)
    return render(request, "catalogue/admin_list.html", {
        "items": items, "departments": selectors.departments_all(),
        "others": selectors.items_not_in_force(department=department),
        "department": department, "today": timezone.localdate(),
    })


def _versions_or_404(code: str) -> list[Item]:
    try:
        return selectors.item_versions_any(code)
    except ServiceError as error:
        raise Http404(error.message) from None


def _form_base(versions: list[Item]) -> Item:
    """The version a new one from tomorrow would start from (the form's initial values)."""
    tomorrow = _tomorrow()
    return next((v for v in versions if v.valid_from <= tomorrow), versions[-1])


def _item_initial(item: Item) -> dict[str, Any]:
    return {"name": item.name, "department": item.department.code, "level": item.level,
            "limit": item.limit, "program": item.program,
            "materials": "\n".join(item.materials), "policy": item.policy,
            "conditions": item.conditions, "process": item.process,
            "resident_text": item.resident_text,
            "condition_eligible": item.condition_eligible,
            "condition_possible": item.condition_possible,
            "valid_from": _tomorrow()}


def _item_data(form: ItemForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("valid_from", None)
    data.pop("note", None)
    data.pop("code", None)
    return data


@login_required
def admin_item(request: HttpRequest, code: str) -> HttpResponse:
    """An item's versions (history) and the form of a new version (修订)."""
    _require_admin(request)
    versions = _versions_or_404(code)
    departments = selectors.departments_all()
    posted = request.method == "POST"
    form = ItemForm(request.POST if posted else None, departments=departments,
                    initial=_item_initial(_form_base(versions)))
    if posted and form.is_valid():
        try:
            item = services.item_revise(actor=request.user, code=code,
                                        valid_from=form.cleaned_data["valid_from"],
                                        note=form.cleaned_data["note"], **_item_data(form))
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
            status = error.status
        else:
            messages.success(request, _("已保存新版本，自 %(date)s 起生效") % {
                "date": item.valid_from.isoformat()})
            return redirect("catalogue:admin_item", code=code)
    else:
        status = 422 if posted else 200
    return _item_page(request, code, versions, form, RetireForm(
        initial={"valid_from": _tomorrow()}), status=status)


def _item_page(request: HttpRequest, code: str, versions: list[Item], form: ItemForm,
               retire_form: RetireForm, *, status: int) -> HttpResponse:
    today = timezone.localdate()
    in_force = next((v for v in versions if v.valid_from <= today), None)
    return render(request, "catalogue/admin_item.html", {
        "code": code, "versions": versions, "latest": versions[0],
        "in_force": in_force if in_force and not in_force.retired else None,
        "form": form, "retire_form": retire_form, "today": today,
        "used": selectors.item_used(code), "condition_facts": _condition_facts(),
    }, status=status)


def _condition_facts() -> list[dict[str, Any]]:
    """The facts a condition may name, for the list under the condition fields."""
    from jiuzhu.rules.conditions import FACTS

    return [{"name": f.name, "label": f.label, "unit": f.unit, "values": f.values,
             "choices": [(n, f.value_labels.get(n, n)) for n in f.values]}
            for f in FACTS.values()]


@login_required
@require_POST
def admin_retire(request: HttpRequest, code: str) -> HttpResponse:
    """停用事项 from a date."""
    _require_admin(request)
    versions = _versions_or_404(code)
    retire_form = RetireForm(request.POST)
    status = 422
    if retire_form.is_valid():
        try:
            item = services.item_retire(actor=request.user, code=code,
                                        valid_from=retire_form.cleaned_data["valid_from"],
                                        note=retire_form.cleaned_data["note"])
        except ServiceError as error:
            refuse_page(error)
            retire_form.attach_errors(error.errors, error.message)
            status = error.status
        else:
            messages.success(request, _("事项自 %(date)s 起停用") % {
                "date": item.valid_from.isoformat()})
            return redirect("catalogue:admin_item", code=code)
    form = ItemForm(departments=selectors.departments_all(),
                    initial=_item_initial(_form_base(versions)))
    return _item_page(request, code, versions, form, retire_form, status=status)


@login_required
def admin_new(request: HttpRequest) -> HttpResponse:
    """新增事项."""
    _require_admin(request)
    departments = selectors.departments_all()
    posted = request.method == "POST"
    form = NewItemForm(request.POST if posted else None, departments=departments,
                       initial={"valid_from": _tomorrow(), "level": "county"})
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(actor=request.user, code=data["code"],
                                        valid_from=data["valid_from"], note=data["note"],
                                        **_item_data(form))
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
        else:
            messages.success(request, _("已新增事项 %(code)s") % {"code": item.code})
            return redirect("catalogue:admin_item", code=item.code)
    return render(request, "catalogue/admin_new.html",
                  {"form": form, "condition_facts": _condition_facts()},
                  status=422 if posted else 200)


@login_required
def admin_departments(request: HttpRequest) -> HttpResponse:
    """部门管理: add a department, rename one (``rename`` = its code)."""
    _require_admin(request)
    posted = request.method == "POST"
    rename = request.POST.get("rename", "") if posted else ""
    form = DepartmentForm(request.POST if posted and not rename else None, prefix="new")
    rename_form = DepartmentForm(request.POST if rename else None, prefix="rename")
    target = rename_form if rename else form
    if posted and target.is_valid():
        data = target.cleaned_data
        try:
            if rename:
                services.department_rename(actor=request.user, code=rename,
                                           name=data["name"], note=data["note"])
            else:
                services.department_create(actor=request.user, code=data["code"],
                                           name=data["name"], note=data["note"])
        except ServiceError as error:
            refuse_page(error)
            target.attach_errors(error.errors, error.message)
        else:
            messages.success(request, _("部门已保存"))
            return redirect("catalogue:departments")
    return render(request, "catalogue/departments.html", {
        "departments": selectors.departments_all(), "form": form,
        "rename_form": rename_form, "rename": rename,
    }, status=422 if posted else 200)


@login_required
@require_GET
def admin_export(request: HttpRequest) -> HttpResponse:
    """The catalogue in force today as an Excel workbook."""
    _require_admin(request)
    today = timezone.localdate()
    items = selectors.items_in_force(today)
    return xlsx_response(request, export_workbook(items), what="catalogue", rows=len(items),
                         name="catalogue", detail={"on": today.isoformat()})


@login_required
def admin_import(request: HttpRequest) -> HttpResponse:
    """Import a new version of many items from Excel (all or nothing)."""
    _require_admin(request)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None,
                      initial={"valid_from": _tomorrow()})
    row_errors: list[dict[str, str]] = []
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload is None:
                raise ServiceError(ErrorCode.VALIDATION, _("请选择 Excel 文件"),
                                   [{"path": "file", "message": _("请选择 Excel 文件")}])
            result = services.catalogue_import(actor=request.user, content=upload.read(),
                                               valid_from=form.cleaned_data["valid_from"],
                                               note=form.cleaned_data["note"])
        except ServiceError as error:
            refuse_page(error)
            row_errors = [e for e in error.errors if e["path"].startswith("rows[")]
            form.attach_errors([e for e in error.errors if e not in row_errors],
                               error.message)
        else:
            messages.success(request, _("导入完成：新增 %(created)d 项，修订 %(revised)d 项，未变 %(unchanged)d 项") % {
                "created": len(result["created"]), "revised": len(result["revised"]),
                "unchanged": len(result["unchanged"])})
            return redirect("catalogue:admin")
    return render(request, "catalogue/import.html", {"form": form, "row_errors": row_errors},
                  status=422 if posted else 200)


# --- handbook ---------------------------------------------------------------------------------

@login_required
@require_GET
def handbook(request: HttpRequest) -> HttpResponse:
    """口袋书: search (HTMX live filter) and the items grouped by department."""
    query = request.GET.get("q", "").strip()[:100]
    department = request.GET.get("department", "")
    items = selectors.items_search(query, department=department)
    context = {"groups": selectors.grouped_by_department(items), "query": query,
               "department": department, "count": len(items),
               "departments": selectors.departments_all(),
               # 居民版: what a worker shows a resident (plain words, no codes or formulas)
               "resident": request.GET.get("view") == "resident"}
    template = ("catalogue/_handbook_results.html" if _is_htmx(request)
                else "catalogue/handbook.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _item_or_404(code: str) -> Item:
    try:
        return selectors.item_in_force(code)
    except ServiceError as error:
        raise Http404(error.message) from None


@login_required
@require_GET
def handbook_item(request: HttpRequest, code: str) -> HttpResponse:
    """One item: rules (with the figures in force), materials, process, limits, basis."""
    item = _item_or_404(code)
    county = selectors.county_of_user(request.user)
    return render(request, "catalogue/handbook_item.html", {
        "item": item, "figures": selectors.item_figures(item, county), "county": county,
        "resident": request.GET.get("view") == "resident",
    })


@login_required
@require_GET
def handbook_print(request: HttpRequest) -> HttpResponse:
    """The whole handbook on one printable page."""
    items = selectors.items_in_force()
    county = selectors.county_of_user(request.user)
    groups = [(department, [(item, selectors.item_figures(item, county)) for item in rows])
              for department, rows in selectors.grouped_by_department(items)]
    return render(request, "catalogue/handbook_print.html", {
        "groups": groups, "today": timezone.localdate(), "count": len(items)})


@login_required
@require_GET
def handbook_pdf(request: HttpRequest) -> HttpResponse:
    """The whole handbook as an A4 PDF (embedded CJK font)."""
    from jiuzhu.documents.pdf import content_pdf

    today = timezone.localdate()
    county = selectors.county_of_user(request.user)
    content = handbook_content(selectors.items_in_force(today), county=county, on=today)
    # typesetting the handbook takes seconds: the same content (the items in force, the
    # county, the day, the language) is rendered once and kept for a day
    key = "handbook-pdf-" + hashlib.sha256(
        f"{translation.get_language()}|{content!r}".encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = content_pdf(content, created=datetime.now(UTC))
        cache.set(key, pdf, 24 * 3600)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handbook-{today.isoformat()}.pdf"'
    return response
