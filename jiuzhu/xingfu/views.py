"""Pages of 幸福云: staff post needs and see how matching went (with its reasons) and
manage providers; a provider answers offers and serves orders on the phone; the family's
grid worker (or staff) confirms and rates. A need, offer or order outside what the user may
see is 'not found' like a missing one; a role that may not act gets 403."""

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
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import services
from .choices import NeedState, ProviderKind, Skill
from .models import Order
from .selectors import (
    my_open_offers,
    my_orders,
    need_get,
    needs_visible_to,
    order_get,
    providers_visible_to,
    to_confirm,
    village_name,
)
from .workflow import NEED_WORKFLOW, candidates

PAGE_SIZE = 30


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _refused(request: HttpRequest, error: ServiceError) -> None:
    if error.code == ErrorCode.NOT_FOUND and not error.errors:
        raise Http404(error.message)
    if error.code == ErrorCode.FORBIDDEN:
        raise PermissionDenied(error.message)
    messages.error(request, error.message)


def _errors(error: ServiceError) -> dict[str, str]:
    return {e.get("path", ""): e.get("message", "") for e in error.errors}


# --- staff: needs ------------------------------------------------------------------------------

@login_required
def needs(request: HttpRequest) -> HttpResponse:
    """服务需求: post a need for a family; every need of the area with its state."""
    _require(request.user, "xingfu.view_needs")
    errors: dict[str, str] = {}
    if request.method == "POST":
        _require(request.user, "xingfu.post_need")
        try:
            need = services.need_create(actor=request.user, data=request.POST.dict())
        except ServiceError as error:
            _refused(request, error)
            errors = _errors(error)
        else:
            messages.success(request, _("已发布服务需求 %(number)s：%(state)s") % {
                "number": need.number, "state": need.get_state_display()})
            return redirect("xingfu:need", pk=need.pk)
    state = request.GET.get("state", "")
    qs = needs_visible_to(request.user, state=state if state in NeedState.values else "")
    if request.GET.get("export") == "xlsx":
        from jiuzhu.audit.downloads import list_response

        headers = [_("编号"), _("服务项目"), _("村（社区）"), _("开始时间"), _("结束时间"),
                   _("状态"), _("服务商")]
        rows = ([n.number, n.get_skill_display(), village_name(n),
                 timezone.localtime(n.starts_at), timezone.localtime(n.ends_at),
                 n.get_state_display(),
                 n.order.provider.name if hasattr(n, "order") else ""] for n in qs[:10_000])
        return list_response(request, what="xingfu_needs", name=str(_("服务需求")),
                             headers=headers, rows=rows)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "xingfu/needs.html", {
        "page": page, "states": NeedState.choices, "state": state, "skills": Skill.choices,
        "errors": errors, "values": request.POST if request.method == "POST" else {},
        "may_post": request.user.has_perm("xingfu.post_need")})


@login_required
def need(request: HttpRequest, pk: int) -> HttpResponse:
    """A need: its state, the offers made with the reasons of matching, its steps; staff
    steps (rematch, cancel) as buttons."""
    _require(request.user, "xingfu.view_needs")
    try:
        row = need_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("rematch", "cancel", "publish"):
            raise Http404
        try:
            services.need_act(actor=request.user, need=row, action=action,
                              data={"reason": request.POST.get("reason", "")}
                              if action == "cancel" else None)
        except ServiceError as error:
            _refused(request, error)
        else:
            messages.success(request, _("已办理：%(label)s") % {
                "label": _(NEED_WORKFLOW.label(action))})
        return redirect("xingfu:need", pk=pk)
    audit_read(request, row)
    order = Order.objects.filter(need=row).select_related("provider", "confirmed_by").first()
    ranked = candidates(row) if row.state in (NeedState.DRAFT, NeedState.BACK_TO_STAFF) else []
    return render(request, "xingfu/need.html", {
        "need": row, "village": village_name(row), "order": order,
        "offers": row.offers.select_related("provider"), "steps": row.steps.all(),
        "candidates": ranked[:10], "actions": NEED_WORKFLOW.available(request.user, row)})


# --- outside posters: a social worker from a case, a station keeper from a lead ----------------

def _back(source: services.Source) -> HttpResponse:
    name, _sep, arg = source.back.partition(" ")
    return redirect(name, pk=int(arg))


@login_required
def post_need(request: HttpRequest) -> HttpResponse:
    """发布服务需求 for one family: a social worker's open case (``?case=``) or a lead
    reported under the keeper's station (``?lead=``). Any other family is 'not found'."""
    case, lead = request.GET.get("case", ""), request.GET.get("lead", "")
    if case:
        _require(request.user, "xingfu.post_need_for_case")
        origin = {"social_case_id": case}
    elif lead:
        _require(request.user, "xingfu.post_need_for_station")
        origin = {"lead_id": lead}
    else:
        raise Http404(_("请从个案或驿站线索发布服务需求"))
    try:
        source = services.resolve_source(request.user, origin)
    except ServiceError as error:
        if error.code == ErrorCode.FORBIDDEN:
            raise PermissionDenied(error.message) from None
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        messages.error(request, error.message)
        return redirect("portal:home")
    assert source is not None
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"address": source.address, "phone": source.phone}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            need = services.need_create(actor=request.user, data={**values, **origin})
        except ServiceError as error:
            _refused(request, error)
            errors = _errors(error)
        else:
            messages.success(request, _("已发布服务需求 %(number)s：%(state)s") % {
                "number": need.number, "state": need.get_state_display()})
            return _back(source)
    return render(request, "xingfu/post.html", {
        "source": source, "skills": Skill.choices, "errors": errors, "values": values,
        "back_name": source.back.partition(" ")[0], "back_pk": source.back.partition(" ")[2]},
        status=422 if errors else 200)


# --- staff: providers ----------------------------------------------------------------------------

@login_required
def providers(request: HttpRequest) -> HttpResponse:
    """服务商: companies, volunteers and organisations of the area; register one."""
    _require(request.user, "xingfu.view_providers")
    errors: dict[str, str] = {}
    if request.method == "POST":
        _require(request.user, "xingfu.manage_providers")
        data: dict[str, Any] = request.POST.dict()
        data["skills"] = request.POST.getlist("skills")
        data["regions_served"] = [c for c in request.POST.get("regions_served", "").split()
                                  if c]
        days = request.POST.getlist("days")
        low, high = request.POST.get("from", "08:00"), request.POST.get("to", "18:00")
        data["availability"] = {d: [[low, high]] for d in days}
        try:
            provider = services.provider_register(actor=request.user, data=data)
        except ServiceError as error:
            _refused(request, error)
            errors = _errors(error)
        else:
            messages.success(request, _("已登记服务商：%(name)s") % {"name": provider.name})
            return redirect("xingfu:providers")
    qs = providers_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in ProviderKind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("export") == "xlsx":
        from jiuzhu.audit.downloads import list_response

        headers = [_("名称"), _("类别"), _("服务技能"), _("服务区域"), _("评分")]
        rows = ([p.name, p.get_kind_display(), "、".join(p.skill_labels()),
                 "、".join(r.name for r in p.regions_served.all()), p.rating]
                for p in qs[:10_000])
        return list_response(request, what="xingfu_providers", name=str(_("服务商")),
                             headers=headers, rows=rows)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "xingfu/providers.html", {
        "page": page, "kinds": ProviderKind.choices, "kind": kind, "skills": Skill.choices,
        "errors": errors, "values": request.POST if request.method == "POST" else {},
        "weekdays": [("0", _("周一")), ("1", _("周二")), ("2", _("周三")), ("3", _("周四")),
                     ("4", _("周五")), ("5", _("周六")), ("6", _("周日"))],
        "may_register": request.user.has_perm("xingfu.manage_providers")})


# --- provider: offers and orders on the phone ------------------------------------------------

@login_required
@require_GET
def my_offers(request: HttpRequest) -> HttpResponse:
    """我的派单: open offers (village, skill, time only) and my orders."""
    _require(request.user, "xingfu.view_my_offers")
    return render(request, "xingfu/my_offers.html", {
        "offers": [(o, village_name(o.need)) for o in my_open_offers(request.user)],
        "orders": my_orders(request.user)[:50]})


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline the offer of need ``pk``."""
    _require(request.user, "xingfu.answer_offer")
    action = "accept" if request.POST.get("answer") == "accept" else "decline"
    try:
        services.need_act(actor=request.user, need=pk, action=action,
                          data={"reason": request.POST.get("reason", "")}
                          if action == "decline" else None)
    except ServiceError as error:
        _refused(request, error)
        return redirect("xingfu:my_offers")
    if action == "accept":
        order = Order.objects.get(need_id=pk)
        messages.success(request, _("接单成功"))
        return redirect("xingfu:order", pk=order.pk)
    messages.info(request, _("已谢绝"))
    return redirect("xingfu:my_offers")


@login_required
def order(request: HttpRequest, pk: int) -> HttpResponse:
    """服务工单 (the provider's phone page): the exact address and phone, check in and out."""
    _require(request.user, "xingfu.view_my_offers")
    try:
        row = order_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("check_in", "check_out"):
            raise Http404
        data = {k: request.POST[k] for k in ("latitude", "longitude") if request.POST.get(k)}
        try:
            services.order_act(actor=request.user, order=row, action=action, data=data)
        except ServiceError as error:
            _refused(request, error)
        else:
            messages.success(request, _("已签到") if action == "check_in" else _("已签退"))
        return redirect("xingfu:order", pk=pk)
    audit_read(request, row.need)
    return render(request, "xingfu/order.html", {
        "order": row, "need": row.need, "village": village_name(row.need)})


# --- the family's grid worker: confirm and rate ------------------------------------------------

@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    """确认服务: services checked out in the area, to confirm and rate 1–5 for the family."""
    _require(request.user, "xingfu.confirm")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            done = services.order_act(actor=request.user, order=int(request.POST.get("order", 0)),
                                      action="confirm",
                                      data={"rating": request.POST.get("rating") or None,
                                            "comment": request.POST.get("comment", "")})
        except (ServiceError, ValueError) as error:
            if isinstance(error, ServiceError):
                _refused(request, error)
                errors = _errors(error)
        else:
            messages.success(request, _("已确认服务，评分 %(rating)s，积分 %(points)s") % {
                "rating": done.rating, "points": done.points})
            return redirect("xingfu:confirm")
    return render(request, "xingfu/confirm.html", {
        "orders": to_confirm(request.user)[:100], "errors": errors, "ratings": range(5, 0, -1)})
