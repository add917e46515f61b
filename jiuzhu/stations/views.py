"""Pages of love stations (爱心驿站): the register per region, a station's page with its
counts and recent leads, the forms to register and edit one, and a keeper's own station.

Another region's or organisation's station is 'not found' exactly like a missing one; a role
that may not act gets 403; a refused form is shown again with the services' errors (422)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.downloads import list_response
from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.regions.models import Region

from . import services
from .forms import StationFilterForm, StationForm
from .models import LoveStation
from .selectors import (
    by_township,
    recent_leads,
    station_get,
    station_needs,
    stations_of_keeper,
    stations_visible_to,
    with_counts,
)

PAGE_SIZE = 50


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _station_or_404(request: HttpRequest, pk: int) -> LoveStation:
    try:
        return station_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


@login_required
@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    """爱心驿站: the register of the user's region, by township, with each station's counts."""
    _require(request.user, "stations.view_list")
    form = StationFilterForm(request.GET or None, user=request.user)
    values = form.values()
    qs = stations_visible_to(request.user, active_only=not values["inactive"])
    if values["township"]:
        qs = qs.within(Region.objects.filter(code=values["township"]).only("path").first())
    qs = qs.order_by("region_path", "name")
    if request.GET.get("export") == "xlsx":
        stations = with_counts(list(qs))
        return list_response(
            request, what="stations", name=_("爱心驿站"),
            headers=[_("驿站名称"), _("所在区划"), _("举办单位"), _("地址"), _("开放时间"),
                     _("服务内容"), _("联系人"), _("联系电话"), _("报告线索"), _("帮扶家庭"),
                     _("服务次数"), _("状态")],
            rows=([s.name, s.region.name, s.host.name, s.address, s.hours,
                   "、".join(s.offering_labels), s.contact, s.phone,
                   s.leads_reported, s.families_helped,  # type: ignore[attr-defined]
                   s.services_delivered,  # type: ignore[attr-defined]
                   _("在运行") if s.active else _("已停用")] for s in stations))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    stations = with_counts(list(page.object_list))
    return render(request, "stations/list.html", {
        "form": form, "page": page, "groups": by_township(stations),
        "may_manage": request.user.has_perm("stations.manage_station")})


@login_required
@require_GET
def my_station(request: HttpRequest) -> HttpResponse:
    """A station keeper's home: their station's page (the list when they keep several)."""
    own = stations_of_keeper(request.user)
    if len(own) == 1:
        return redirect("stations:detail", pk=own[0].pk)
    return redirect("stations:list")


@login_required
@require_GET
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "stations.view_station")
    station = _station_or_404(request, pk)
    with_counts([station])
    return render(request, "stations/detail.html", {
        "station": station, "leads": recent_leads(user=request.user, station=station),
        "needs": station_needs(user=request.user, station=station),
        # a keeper posts a 幸福云 need for a family their station reported (the lead has
        # been linked to the family by the staff's visit)
        "may_post_need": station.active and request.user.has_perm("xingfu.post_need_for_station"),
        "keepers": list(station.keepers()),
        # reporting under the station: only who the leads app lets name it (its region's
        # staff, its keeper) — a grid worker reads the village's stations, reports as a grid
        "may_report": (station.active and request.user.has_perm("leads.record_lead")
                       and LoveStation.objects.visible_to(request.user).filter(pk=station.pk)
                       .exists()),
        "may_manage": request.user.has_perm("stations.manage_station")})


@login_required
def station_create(request: HttpRequest) -> HttpResponse:
    """登记爱心驿站."""
    _require(request.user, "stations.manage_station")
    posted = request.method == "POST"
    form = StationForm(request.POST if posted else None, user=request.user)
    if posted and form.is_valid():
        try:
            station = services.station_register(actor=request.user, data=form.data_for_service())
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
        else:
            messages.success(request, _("爱心驿站“%(name)s”已登记。") % {"name": station.name})
            return redirect("stations:detail", pk=station.pk)
    return render(request, "stations/form.html", {"form": form, "station": None},
                  status=422 if posted else 200)


@login_required
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改爱心驿站."""
    _require(request.user, "stations.manage_station")
    station = _station_or_404(request, pk)
    posted = request.method == "POST"
    form = StationForm(request.POST if posted else None, user=request.user, station=station)
    if posted and form.is_valid():
        try:
            services.station_edit(actor=request.user, station=station,
                                  data=form.data_for_service())
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
        else:
            messages.success(request, _("爱心驿站“%(name)s”已修改。") % {"name": station.name})
            return redirect("stations:detail", pk=station.pk)
    return render(request, "stations/form.html", {"form": form, "station": station},
                  status=422 if posted else 200)


@login_required
@require_POST
def station_active(request: HttpRequest, pk: int) -> HttpResponse:
    """停用 or 恢复 a station (``active`` = 0 or 1)."""
    _require(request.user, "stations.manage_station")
    station = _station_or_404(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.station_set_active(actor=request.user, station=station, active=active)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        messages.success(request, (_("爱心驿站“%(name)s”已恢复运行。") if active
                                   else _("爱心驿站“%(name)s”已停用。")) % {"name": station.name})
    return redirect("stations:detail", pk=station.pk)
