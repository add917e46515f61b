"""Staff pages of 资格认证: the list of confirmations due, done and missing per village
(Excel), a confirmation's page (the photo beside the ID, the location, the declared
changes, the township's check) and the county's setting. Another region's confirmation is
'not found' like a missing one; a role that may not act gets 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuzhu.audit.downloads import list_response
from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.core.masking import mask_id_number
from jiuzhu.regions.models import Region

from . import services
from .choices import Bucket, ReviewDecision, State
from .models import Confirmation
from .selectors import (
    bucket_q,
    confirmation_get,
    confirmations_visible_to,
    settings_visible_to,
    village_counts,
)
from .workflow import WORKFLOW

PAGE_SIZE = 30


def _require(user: Any, permission: str, obj: Any = None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _confirmation_or_404(request: HttpRequest, pk: int) -> Confirmation:
    try:
        return confirmation_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


@login_required
@require_GET
def confirmation_list(request: HttpRequest) -> HttpResponse:
    """资格认证: per village the confirmations due, done and missing; the rows filtered by
    group, state and village (导出 Excel)."""
    _require(request.user, "recertify.view_list")
    today = timezone.localdate()
    bucket, state, village = (request.GET.get(k, "") for k in ("bucket", "state", "village"))
    qs = confirmations_visible_to(request.user, today=today)
    if bucket in Bucket.values:
        qs = qs.filter(bucket_q(bucket, today))
    if state in State.values:
        qs = qs.filter(state=state)
    if village.isdigit():
        qs = qs.filter(region_id=int(village))
    qs = qs.order_by("due_on", "id")
    if request.GET.get("export") == "xlsx":
        return list_response(
            request, what="recertify", name=_("资格认证"),
            headers=[_("编号"), _("户主"), _("家庭编号"), _("所在村（社区）"), _("分类"),
                     _("应认证日期"), _("状态"), _("认证时间"), _("申报变化")],
            rows=([c.number, c.household.head_name, c.household.household_id, c.region.name,
                   c.review_class, c.due_on, c.get_state_display(),
                   timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M")
                   if c.submitted_at else "", "、".join(c.declared_changes)] for c in qs))
    counts = village_counts(request.user, today=today)
    totals = {key: sum(row[key] for row in counts) for key in ("due", "done", "missing", "changes")}
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recertify/list.html", {
        "page": page, "counts": counts, "totals": totals, "today": today,
        "buckets": Bucket.choices, "states": [s for s in State.choices if s[0] != State.CANCELLED],
        "bucket": bucket, "state": state, "village": village,
        "may_set": request.user.has_perm("recertify.view_settings")})


@login_required
@require_GET
def confirmation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation: the photo of the applicant holding the ID card beside the head's
    name and masked ID number, the location, the declared changes, the actions offered."""
    confirmation = _confirmation_or_404(request, pk)
    _require(request.user, "recertify.view_confirmation", confirmation)
    household = confirmation.household
    head = (household.members.filter(relation="head").order_by("position").first()
            or household.members.order_by("position").first())
    audit_read(request, confirmation, via="recertify")
    offers = WORKFLOW.offers(request.user, confirmation)
    return render(request, "recertify/detail.html", {
        "c": confirmation, "household": household, "head": head,
        "head_id": mask_id_number(head.id_number) if head else "",
        "offers": offers, "decisions": ReviewDecision.choices,
        "visit": confirmation.visit_task})


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    confirmation = _confirmation_or_404(request, pk)
    _require(request.user, "recertify.view_confirmation", confirmation)
    if not confirmation.photo:
        raise Http404
    audit_read(request, confirmation, "download", what="recertify_photo")
    return FileResponse(confirmation.photo.open("rb"), content_type=confirmation.photo_type)


@login_required
@require_POST
def confirmation_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """核验通过 / 审核变化 / 退回重新认证 (the table checks all; a refusal is shown)."""
    confirmation = _confirmation_or_404(request, pk)
    if action not in ("accept", "review", "return"):
        raise Http404
    data = {k: request.POST.get(k, "")[:500] for k in ("decision", "note", "reason")}
    data = {k: v for k, v in data.items() if v}
    try:
        confirmation = services.confirmation_act(actor=request.user, confirmation=confirmation,
                                                 action=action, data=data)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("已%(label)s") % {"label": _(WORKFLOW.label(action))})
    return redirect("recertify:detail", pk=confirmation.pk if isinstance(confirmation, Confirmation) else pk)


# --- the county's setting --------------------------------------------------------------------

@login_required
@require_GET
def setting_list(request: HttpRequest) -> HttpResponse:
    """资格认证设置: each county of the user's region with its rule (or none yet)."""
    _require(request.user, "recertify.view_settings")
    counties = list(Region.objects.visible_to(request.user).filter(level="county").order_by("path"))
    by_county = {s.county_id: s for s in settings_visible_to(request.user)}
    rows = [{"county": c, "setting": by_county.get(c.pk),
             "may_edit": request.user.has_perm("recertify.edit_setting", c)} for c in counties]
    return render(request, "recertify/settings.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def setting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A county's rule: the interval of each class, the grace days and the suspension."""
    county = Region.objects.visible_to(request.user).filter(pk=pk, level="county").first()
    if county is None:
        raise Http404
    _require(request.user, "recertify.edit_setting", county)
    setting = settings_visible_to(request.user).filter(county=county).first()
    values: dict[str, Any] = {name: getattr(setting, name) if setting else default
                              for name, default in services.DEFAULTS.items()}
    values["active"] = setting.active if setting else True
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        data = {name: request.POST.get(name, "")[:10] for name in services.SETTING_FIELDS}
        data["active"] = "1" if request.POST.get("active") else ""
        try:
            services.setting_save(actor=request.user, county=county, data=data)
        except ServiceError as error:
            refuse_page(error)
            errors = {e["path"]: e["message"] for e in error.errors or []}
            values.update(data)
            values["active"] = bool(data["active"])
            messages.error(request, error.message)
            status = 422
        else:
            messages.success(request, _("已保存%(county)s的资格认证设置") % {"county": county.name})
            return redirect("recertify:settings")
    fields = [{"name": name, "label": label, "value": values[name], "error": errors.get(name, "")}
              for name, label in SETTING_LABELS]
    return render(request, "recertify/setting.html", {
        "county": county, "setting": setting, "fields": fields, "active": values["active"]},
        status=status)


SETTING_LABELS = (
    ("months_a", gettext_lazy("A类认证周期（月）")), ("months_b", gettext_lazy("B类认证周期（月）")),
    ("months_c", gettext_lazy("C类认证周期（月）")),
    ("grace_days", gettext_lazy("应认证日期后多少天未认证派网格员走访")),
    ("suspend_after_days", gettext_lazy("派走访后再过多少天未认证暂停发放")),
)
