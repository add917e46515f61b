"""The dashboard API (full paths under /api/v1): ``GET /api/v1/dashboard?region=CODE`` — the
figures of the page, region-scoped like the page (404 outside the user's subtree, 403
without ``monitoring.view_dashboard``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import selectors
from .present import figure_url

# mounted at "" under /api/v1: give full paths
router = Router(tags=["综合看板"])


class CellOut(Schema):
    value: int | float | str = Field(description="数值（金额为分）或文字")
    format: str = Field(description="n 计数, fen 金额（分）, d 工作日, t 文字")
    measure: str = Field("", description="指标（空：派生数值，无清单）")
    param: str = ""
    region_code: str = ""
    month: str = ""
    list_url: str = Field("", description="该数值对应的清单页（户数、件数与清单一致）")


class RowOut(Schema):
    label: str
    region_code: str = Field("", description="子区划代码（可下钻时）")
    total: bool = False
    cells: list[CellOut]


class TableOut(Schema):
    key: str
    title: str
    chart: str
    columns: list[str]
    rows: list[RowOut]
    note: str = ""


class ChartOut(Schema):
    key: str
    title: str
    note: str = ""
    tables: list[TableOut]


class DashboardOut(Schema):
    region_code: str
    region_name: str
    level: str
    month: str
    computed_at: str
    snapshot: bool
    charts: list[ChartOut]


def _cell(c: dict[str, Any]) -> dict[str, Any]:
    return {"value": c["v"], "format": c.get("fmt", "n"), "measure": c.get("m", ""),
            "param": c.get("p", ""), "region_code": c.get("r", ""), "month": c.get("mo", ""),
            "list_url": figure_url(c) if c.get("m") else ""}


def dashboard_to_dict(region: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "region_code": region.code, "region_name": region.name, "level": region.level,
        "month": data["month"], "computed_at": data["computed_at"],
        "snapshot": bool(data.get("snapshot")),
        "charts": [{"key": chart["key"], "title": chart["title"], "note": chart.get("note", ""),
                    "tables": [{"key": t["key"], "title": t["title"], "chart": t["chart"],
                                "columns": t["columns"], "note": t.get("note", ""),
                                "rows": [{"label": str(r["label"]), "region_code": r.get("code", ""),
                                          "total": bool(r.get("total")),
                                          "cells": [_cell(c) for c in r["cells"]]}
                                         for r in t["rows"]]}
                               for t in chart["tables"]]}
                   for chart in data["charts"]]}


@router.get("/dashboard", response={200: DashboardOut, **refusals(403, 404)},
            summary="综合看板 Dashboard of a region")
def get_dashboard(request, region: str = ""):
    """The figures of the region's dashboard (`region`: a region code; default the user's
    own region): each chart's tables, every figure with the list it equals."""
    user = request.auth
    if not user.has_perm("monitoring.view_dashboard"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权查看综合看板"))
    found = selectors.region_for(user, region or None)
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("区划 %(code)s 不存在") % {"code": region})
    return dashboard_to_dict(found, selectors.figures(user, found))
