"""The 月报 as Excel (one sheet per table, openpyxl) and as an A4 PDF through the documents
app's layout (like ``jiuzhu/contracts/statement.py``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jiuzhu.audit.downloads import cell, xlsx_response
from jiuzhu.documents.content import Block, Cell, Content, Row, Table
from jiuzhu.documents.pdf import content_pdf

from .present import note_texts, tables


def _title(figures: dict[str, Any]) -> str:
    year, month = figures["month"].split("-")
    return _("%(region)s社会救助统计月报（%(year)s年%(month)s月）") % {
        "region": figures["region"]["name"], "year": year, "month": month}


def _status(figures: dict[str, Any]) -> str:
    closed = figures.get("closed")
    if closed:
        return _("已关账：%(at)s %(by)s") % {"at": closed["at"], "by": closed["by"]}
    return _("未关账：按当前数据计算，关账前可能变动")


def report_response(request: HttpRequest, figures: dict[str, Any]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    count = 0
    for table in tables(figures):
        sheet: Any = workbook.create_sheet(table.title[:31])
        sheet.append([cell(sheet, _title(figures))])
        sheet.append([cell(sheet, table.title), cell(sheet, _status(figures))])
        sheet.append([table.first, *table.columns])
        for row in table.rows:
            sheet.append([cell(sheet, row.name), *[_number(v) for v in row.cells]])
            count += 1
    notes = note_texts(figures)
    if notes:
        sheet = workbook.create_sheet(_("差异说明"))
        for text in notes:
            sheet.append([cell(sheet, text)])
    return xlsx_response(request, workbook, what="monthly_report", rows=count,
                         name=_title(figures),
                         detail={"region": figures["region"]["code"], "month": figures["month"]})


def _number(text: str) -> Any:
    """Counts and amounts as numbers in Excel; ranges, rates and '—' as text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text) if text.replace(".", "", 1).isdigit() else text
    except ValueError:
        return text


def report_content(figures: dict[str, Any]) -> Content:
    blocks: list[Block] = [Block("plain", _status(figures))]
    for table in tables(figures):
        first = 0.14  # money and standards get room for "123456.00" on one line
        weights = [{"n": 1.0, "rate": 1.3, "tekun_standard": 3.2}.get(k, 2.0) for k in table.kinds]
        widths = (first, *[(1 - first) * w / sum(weights) for w in weights])
        rows = [Row(tuple(Cell(h, shaded=True) for h in (table.first, *table.columns)), header=True)]
        rows += [Row(tuple(Cell(v, shaded=row.total) for v in (row.name, *row.cells)))
                 for row in table.rows]
        blocks.append(Block("heading", table.title))
        blocks.append(Block("table", table=Table(rows=tuple(rows), widths=widths)))
    notes = note_texts(figures)
    if notes:
        blocks.append(Block("heading", _("差异说明")))
        blocks += [Block("note", text) for text in notes]
    blocks.append(Block("note", _("人数按月末登记的家庭成员计，年龄按月末计算；支出为已确认花名册的发放金额；"
                                  "人均、次均水平按分四舍五入。")))
    return Content(code="YB", title=_title(figures), subtitle="",
                   number=f"{figures['region']['code']}-{figures['month']}",
                   office_name=_("%(region)s民政部门") % {"region": figures["region"]["name"]},
                   blocks=blocks, template="monthly/report")


def report_pdf(figures: dict[str, Any]) -> bytes:
    return content_pdf(report_content(figures))
