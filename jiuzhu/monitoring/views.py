"""综合看板 pages: a region's dashboard (drill-down by a click on a bar or a row), the list
behind every figure (same queryset as the count; paged, Excel), each chart's Excel, and
the snapshot refresh with its progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.regions.models import Region
from jiuzhu.rules.money import format_fen

from . import selectors, services
from .models import RefreshRun
from .present import figure_url, show

PAGE_SIZE = 50


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _region(request: HttpRequest, code: str | None) -> Region:
    region = selectors.region_for(request.user, code)
    if region is None:
        raise Http404(_("区划不存在"))
    return region


def _decorate(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each cell with its text and link, each region row with its dashboard link."""
    charts = []
    for chart in data["charts"]:
        tables = []
        for table in chart["tables"]:
            rows = []
            for row in table["rows"]:
                cells = [{**c, "text": show(c), "href": figure_url(c) if c.get("m") else ""}
                         for c in row["cells"]]
                drill = reverse("monitoring:region", args=[row["code"]]) if row.get("code") else ""
                household = (reverse("households:detail", args=[row["household"]])
                             if row.get("household") else "")
                rows.append({**row, "cells": cells, "drill": drill, "household_href": household})
            tables.append({**table, "rows": rows})
        links = [{**link, "text": show(link["cell"]), "href": figure_url(link["cell"])}
                 for link in chart.get("links", [])]
        charts.append({**chart, "tables": tables, "links": links})
    return charts


def _chart_data(charts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the page's script draws: per table its kind, categories, series and links."""
    out = []
    for chart in charts:
        for table in chart["tables"]:
            if not table["chart"]:
                continue
            rows = [r for r in table["rows"] if not r.get("total")]
            numeric = [i for i, c in enumerate(rows[0]["cells"] if rows else [])
                       if isinstance(c["v"], int) and c.get("fmt") in ("n", "fen")]
            out.append({
                "id": f"chart-{chart['key']}-{table['key']}", "kind": table["chart"],
                "categories": [r["label"] for r in rows],
                "drill": [r["drill"] for r in rows],
                "series": [{"name": table["columns"][i],
                            "data": [(r["cells"][i]["v"] / 100 if r["cells"][i].get("fmt") == "fen"
                                      else r["cells"][i]["v"]) for r in rows],
                            "links": [r["cells"][i]["href"] for r in rows]} for i in numeric],
            })
    return out


@login_required
@require_GET
def dashboard(request: HttpRequest, code: str | None = None) -> HttpResponse:
    _require(request.user, "monitoring.view_dashboard")
    region = _region(request, code)
    data = selectors.figures(request.user, region)
    charts = _decorate(data)
    run = (RefreshRun.objects.visible_to(request.user).filter(region=region).first()
           if region.level in selectors.SNAPSHOT_LEVELS else None)
    return render(request, "monitoring/dashboard.html", {
        "region": region, "crumbs": selectors.breadcrumbs(request.user, region),
        "charts": charts, "chart_data": _chart_data(charts),
        "computed_at": selectors.computed_at(data), "snapshot": data.get("snapshot", False),
        "month": data["month"], "run": run,
        "may_refresh": (region.level in selectors.SNAPSHOT_LEVELS
                        and request.user.has_perm("monitoring.refresh_snapshots"))})


@login_required
@require_POST
def refresh(request: HttpRequest, code: str) -> HttpResponse:
    _require(request.user, "monitoring.refresh_snapshots")
    region = _region(request, code)
    try:
        services.refresh_request(actor=request.user, region=region)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("已开始刷新 %(region)s 的看板数据") % {"region": region.name})
    return redirect("monitoring:region", region.code)


@login_required
@require_GET
def refresh_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user, "monitoring.view_dashboard")
    run = get_object_or_404(RefreshRun.objects.visible_to(request.user), pk=pk)
    return render(request, "monitoring/_refresh.html", {"run": run})


# --- the list behind a figure ---------------------------------------------------------------

@dataclass(frozen=True)
class ListKind:
    title: str
    headers: Callable[[], list[str]]
    row: Callable[[Any], list[Any]]
    href: Callable[[Any], str]
    related: tuple[str, ...] = ()


def _household_row(h: Any) -> list[Any]:
    return [h.household_id, h.head_name, h.region.name, h.member_count, h.get_area_type_display()]


def _application_row(a: Any) -> list[Any]:
    return [a.number, a.household.head_name, a.household.region.name, a.item_code,
            a.get_state_display(), a.submitted_at, a.decided_at]


def _item_row(i: Any) -> list[Any]:
    return [i.request.number, i.item_name, i.department_code, i.get_state_display(),
            i.started_on, i.due_date, i.finished_on]


def _lead_row(lead: Any) -> list[Any]:
    return [lead.person_name, lead.region.name, lead.get_source_display(),
            lead.get_urgency_display(), lead.get_status_display(), lead.created_at]


def _case_row(c: Any) -> list[Any]:
    return [c.number, c.household.head_name, c.region.name, c.get_level_display(),
            c.get_state_display(), c.respond_by, c.responded_at]


def _payment_row(p: Any) -> list[Any]:
    return [p.month.strftime("%Y-%m"), p.application.household.household_id,
            p.application.household.head_name, p.application.household.region.name,
            p.application.item_code, p.application.number, format_fen(int(p.amount * 100))]


def _entry_row(e: Any) -> list[Any]:
    return [e.on, e.fund.name, e.case_number, e.payee, format_fen(e.amount_fen)]


def _fund_row(f: Any) -> list[Any]:
    return [f.name, f.region.name, format_fen(f.balance_fen), format_fen(f.committed_fen),
            format_fen(f.balance_fen - f.committed_fen)]


def _fact_row(f: Any) -> list[Any]:
    return [f.get_kind_display() if hasattr(f, "get_kind_display") else f.kind, f.item_code,
            f.step_label or f.step, f.started_on, f.ended_on, f.working_days,
            {True: _("按时"), False: _("超时")}.get(f.on_time, "—")]


LIST_KINDS: dict[str, ListKind] = {
    selectors.HOUSEHOLD: ListKind(
        "household", lambda: [_("家庭编号"), _("户主"), _("所在村（社区）"), _("人口"),
                              _("城乡类别")],
        _household_row, lambda h: reverse("households:detail", args=[h.pk]), ("region",)),
    selectors.APPLICATION: ListKind(
        "application", lambda: [_("申请编号"), _("户主"), _("所在村（社区）"), _("事项"), _("状态"),
                                _("申请时间"), _("审批时间")],
        _application_row, lambda a: reverse("applications:detail", args=[a.pk]),
        ("household__region",)),
    selectors.ITEM: ListKind(
        "item", lambda: [_("受理编号"), _("事项名称"), _("牵头部门"), _("状态"), _("起算日"),
                         _("办理期限"), _("办结日期")],
        _item_row, lambda i: reverse("intake:detail", args=[i.request_id]), ("request",)),
    selectors.LEAD: ListKind(
        "lead", lambda: [_("被报告人姓名"), _("所在区划"), _("线索来源"), _("紧急程度"), _("状态"),
                         _("登记时间")],
        _lead_row, lambda lead: reverse("leads:detail", args=[lead.pk]), ("region",)),
    selectors.CASE: ListKind(
        "case", lambda: [_("个案编号"), _("户主"), _("所在区划"), _("响应等级"), _("状态"),
                         _("响应时限"), _("响应时间")],
        _case_row, lambda c: reverse("emergency:detail", args=[c.pk]),
        ("household", "region")),
    selectors.PAYMENT: ListKind(
        "payment", lambda: [_("发放月份"), _("家庭编号"), _("户主"), _("所在村（社区）"), _("事项"),
                            _("申请编号"), _("金额（元）")],
        _payment_row, lambda p: reverse("households:detail", args=[p.application.household_id]),
        ("application__household__region",)),
    selectors.ENTRY: ListKind(
        "entry", lambda: [_("日期"), _("基金"), _("个案编号"), _("收款人"), _("金额（元）")],
        _entry_row, lambda e: reverse("funds:detail", args=[e.fund_id]), ("fund",)),
    selectors.FUND: ListKind(
        "fund", lambda: [_("名称"), _("所在区划"), _("余额（元）"), _("已预留（元）"),
                         _("可用余额（元）")],
        _fund_row, lambda f: reverse("funds:detail", args=[f.pk]), ("region",)),
    selectors.FACT: ListKind(
        "fact", lambda: [_("类别"), _("事项"), _("环节"), _("起始日"), _("结束日"), _("用时（工作日）"),
                         _("是否按时")],
        _fact_row, lambda f: "", ()),
}


def figure_list(request: HttpRequest) -> HttpResponse:
    """The rows behind one figure: the same queryset as the count, region-scoped."""
    _require(request.user, "monitoring.view_dashboard")
    key = request.GET.get("m", "")
    measure = selectors.MEASURES.get(key)
    if measure is None:
        raise Http404(_("指标不存在"))
    region = _region(request, request.GET.get("r") or None)
    param = request.GET.get("p", "")
    ctx = selectors.ctx_for_month(request.GET.get("mo", "") if measure.needs_month else "")
    if ctx is None:
        raise Http404(_("月份格式应为 YYYY-MM"))
    kind = LIST_KINDS[measure.kind]
    qs = selectors.list_rows(request.user, measure, ctx, param, region)
    if kind.related:
        qs = qs.select_related(*kind.related)
    qs = qs.order_by("pk")
    total = selectors.value_of(qs, measure)
    if request.GET.get("export") == "xlsx":
        from jiuzhu.audit.downloads import list_response

        return list_response(request, what=f"dashboard_{key}", name=str(measure.label)[:28],
                             headers=kind.headers(), rows=(kind.row(r) for r in qs.iterator()))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"cells": kind.row(r), "href": kind.href(r)} for r in page.object_list]
    label = str(measure.label)
    if selectors.param_label(key, param):
        label = f"{label} · {selectors.param_label(key, param)}"
    return render(request, "monitoring/list.html", {
        "region": region, "measure": measure, "label": label, "page": page, "rows": rows,
        "headers": kind.headers(), "total": total,
        "total_text": format_fen(total) if measure.total in ("amount", "amount_fen", "available")
        else f"{total:,}",
        "is_sum": measure.total != "count",
        "month": ctx.month.strftime("%Y-%m") if measure.needs_month else "",
        "back": reverse("monitoring:region", args=[region.code])})


figure_list = login_required(require_GET(figure_list))


@login_required
@require_GET
def chart_xlsx(request: HttpRequest, code: str, chart: str) -> HttpResponse:
    """One chart's tables as an Excel workbook (a sheet per table)."""
    _require(request.user, "monitoring.view_dashboard")
    region = _region(request, code)
    data = selectors.figures(request.user, region, only=chart)
    found = next((c for c in data["charts"] if c["key"] == chart), None)
    if found is None:
        raise Http404(_("图表不存在"))
    from openpyxl import Workbook

    from jiuzhu.audit.downloads import xlsx_response

    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)  # type: ignore[arg-type]
    count = 0
    for table in found["tables"]:
        sheet = workbook.create_sheet(str(table["title"])[:31].replace("/", "·"))
        sheet.append([str(region.name)] + [str(c) for c in table["columns"]])
        for row in table["rows"]:
            values = []
            for c in row["cells"]:
                v = c["v"]
                values.append(round(int(v) / 100, 2) if c.get("fmt") == "fen" else v)
            sheet.append([str(row["label"]), *values])
            count += 1
    name = f"{region.name}{found['title']}"
    return xlsx_response(request, workbook, what=f"dashboard_chart_{chart}", rows=count,
                         name=name, detail={"region": region.code})
