"""Pages of the parameters a county enters (政策参数): the values in force with their dates
and references and the sets entered; the form of a new set (pre-filled with the values in
force); a set's page with its changes (old → new) and the buttons of its workflow; export
and import as the YAML files of ``jiuzhu/rules/parameters``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.regions.models import Region
from jiuzhu.rules import parameters

from . import forms, services
from .choices import DraftState
from .labels import grouped, label_of
from .models import ParameterSetDraft
from .workflow import WORKFLOW


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _county(request: HttpRequest, code: str | None) -> Region:
    counties = services.counties_for(request.user)
    if not counties:
        raise Http404(_("县级区划不存在"))
    if not code:
        return counties[0]
    found = next((c for c in counties if c.code == code), None)
    if found is None:
        raise Http404(_("县级区划不存在"))
    return found


def _draft(request: HttpRequest, pk: int) -> ParameterSetDraft:
    try:
        return services.draft_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


def next_new_year(today: date) -> date:
    return date(today.year + 1, 1, 1)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """政策参数: the values in force on a date, with their effective dates and references,
    and the sets entered (drafts, waiting, approved, returned)."""
    _require(request.user, "policy.view")
    county = _county(request, request.GET.get("county"))
    on = forms.parse_date(request.GET.get("on")) or timezone.localdate()
    groups = forms.rows(county.code, on)
    drafts = list(services.drafts_visible_to(request.user).filter(region=county))
    return render(request, "policy/index.html", {
        "county": county, "counties": services.counties_for(request.user), "on": on,
        "groups": groups, "drafts": drafts,
        "waiting": sum(1 for d in drafts if d.state == DraftState.SUBMITTED),
        "may_enter": request.user.has_perm("policy.enter")})


def _form_page(request: HttpRequest, county: Region, draft: ParameterSetDraft | None) -> HttpResponse:
    today = timezone.localdate()
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        effective_on = forms.parse_date(request.POST.get("effective_on"))
        reference = request.POST.get("reference", "")
        note = request.POST.get("note", "")
        when = effective_on or (draft.effective_on if draft else next_new_year(today))
        proposed = forms.proposed_from(county.code, when, request.POST)
        if effective_on is None:
            errors.append({"path": "effective_on", "message": _("请填写生效日期（YYYY-MM-DD）")})
        else:
            try:
                saved = services.draft_save(actor=request.user, county=county,
                                            effective_on=effective_on, reference=reference,
                                            note=note, proposed=proposed, draft=draft)
            except ServiceError as error:
                refuse_page(error)
                errors = error.errors or [{"path": "", "message": error.message}]
            else:
                messages.success(request, _("参数调整已保存为草稿，请核对后提交审批。"))
                return redirect("policy:detail", pk=saved.pk)
        values: dict[str, Any] | None = proposed
    else:
        when = (forms.parse_date(request.GET.get("effective_on"))
                or (draft.effective_on if draft else next_new_year(today)))
        effective_on, note = when, draft.note if draft else ""
        reference = draft.reference if draft else ""
        values = ({name: services.value_of(county.code, name, draft.effective_on, v)
                   for name, v in draft.values.items()} if draft else None)
    groups = forms.rows(county.code, when, values, errors)
    general = [e["message"] for e in errors if e.get("path") in ("", None)]
    field_errors = {e["path"]: e["message"] for e in errors if e.get("path") in (
        "effective_on", "reference")}
    return render(request, "policy/form.html", {
        "county": county, "draft": draft, "groups": groups, "effective_on": effective_on,
        "when": when, "reference": reference, "note": note, "general": general,
        "field_errors": field_errors, "error_count": len(errors)},
        status=422 if errors else 200)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """录入新参数: every parameter pre-filled with its value in force on the date chosen."""
    _require(request.user, "policy.enter")
    county = _county(request, request.POST.get("county") or request.GET.get("county"))
    return _form_page(request, county, None)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    if not request.user.has_perm("policy.enter", draft):
        raise PermissionDenied
    if draft.state not in (DraftState.DRAFT, DraftState.RETURNED):
        messages.error(request, _("已提交或已批准的参数调整不能修改"))
        return redirect("policy:detail", pk=draft.pk)
    return _form_page(request, draft.region, draft)


def _changes(draft: ParameterSetDraft) -> list[dict[str, Any]]:
    """Each changed parameter with its changed keys: old → new."""
    result = []
    county = draft.region.code
    known = parameters.county_parameters(county)
    order = [name for _title, names in grouped(list(known)) for name in names]
    for name in sorted(draft.values, key=lambda n: order.index(n) if n in order else len(order)):
        new = forms.leaves_of(name, draft.values[name])
        old = {leaf.key: leaf.text for leaf in forms.leaves_of(name, draft.base.get(name))}
        lines = [{"key": leaf.key, "old": old.get(leaf.key, "—"), "new": leaf.text}
                 for leaf in new if old.get(leaf.key) != leaf.text]
        parameter = known.get(name)
        result.append({"name": name, "label": _(label_of(name)),
                       "unit": forms.text_of(parameter.unit) if parameter else "",
                       "description": parameter.description if parameter else "",
                       "lines": lines})
    return result


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A set: its date, reference, who entered and decided it, each change old → new, the
    buttons of its workflow and, once approved, 按新参数重新核算 with the run's progress."""
    _require(request.user, "policy.view")
    draft = _draft(request, pk)
    offers = WORKFLOW.offers(request.user, draft)
    refused = WORKFLOW.duties(request.user, draft, "approve") if WORKFLOW.duties else ""
    return render(request, "policy/detail.html", {
        "draft": draft, "changes": _changes(draft), "offers": offers,
        "duties_refusal": refused if draft.state == DraftState.SUBMITTED else "",
        "may_edit": (draft.state in (DraftState.DRAFT, DraftState.RETURNED)
                     and request.user.has_perm("policy.enter", draft)),
        "may_reassess": (draft.state == DraftState.APPROVED
                         and request.user.has_perm("policy.reassess", draft)),
        "reassess_on": services.reassessment_date(draft)})


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    draft = _draft(request, pk)
    if action not in WORKFLOW:
        raise Http404
    data = {"reason": request.POST.get("reason", "")} if action == "return" else {}
    try:
        WORKFLOW.perform(actor=request.user, obj=draft.pk, action=action, data=data)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        done = {"submit": _("已提交审批。"), "approve": _("已批准，新参数已生效。"),
                "return": _("已退回录入人。")}
        messages.success(request, done.get(action, _("已办理。")))
    return redirect("policy:detail", pk=draft.pk)


@login_required
@require_POST
def reassess(request: HttpRequest, pk: int) -> HttpResponse:
    """按新参数重新核算: the county's batch re-assessment, then its progress page."""
    draft = _draft(request, pk)
    try:
        run = services.reassess(actor=request.user, draft=draft)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
        return redirect("policy:detail", pk=draft.pk)
    messages.success(request, _("已按新参数开始重新核算。"))
    return redirect("assessments:batch", pk=run.pk)


def _zip_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """导出 YAML: every parameter file of the county as in force (zip)."""
    _require(request.user, "policy.view")
    county = _county(request, request.GET.get("county"))
    content = services.export_zip(actor=request.user, county=county)
    return _zip_response(content, f"parameters-{county.code}.zip")


@login_required
@require_GET
def export_set(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "policy.view")
    draft = _draft(request, pk)
    content = services.export_zip(actor=request.user, county=draft.region, draft=draft)
    return _zip_response(content, f"parameters-{draft.region.code}-{draft.effective_on}.zip")


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    """导入 YAML: a zip of ``<county>/<name>.yaml`` becomes a draft; every problem names its
    file and key, and nothing is saved."""
    _require(request.user, "policy.enter")
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [{"path": "file", "message": _("请选择 zip 文件")}]
        else:
            try:
                draft = services.import_zip(actor=request.user, data=upload.read(),
                                            note=request.POST.get("note", ""))
            except ServiceError as error:
                refuse_page(error)
                errors = error.errors or [{"path": "", "message": error.message}]
            else:
                messages.success(request, _("已导入为草稿，请核对后提交审批。"))
                return redirect("policy:detail", pk=draft.pk)
    return render(request, "policy/import.html", {"errors": errors},
                  status=422 if errors else 200)
