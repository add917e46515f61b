"""The ranking as an Excel workbook (困难程度排序表)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jiuzhu.audit.downloads import xlsx_response

from .choices import CIRCLE_LABELS
from .selectors import monitoring_circle_label

HEADERS = ("排名", "家庭编号", "户主", "人口", "区划", "困难指数", "月人均收入（元）",
           "信息圈", "核算信息圈", "符合低保", "月保障金（元）", "核算日期")
MAX_ROWS = 1_000_000


def ranking_workbook_response(*, request, standings) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("困难程度排序")
    sheet.append(HEADERS)
    count = 0
    for rank, s in enumerate(standings.iterator(chunk_size=2000), start=1):
        if rank > MAX_ROWS:
            break
        h = s.household
        sheet.append([rank, h.household_id, h.head_name, h.member_count, h.region.name,
                      s.index_hundredths / 100, s.per_capita_fen / 100,
                      monitoring_circle_label(s), str(CIRCLE_LABELS[s.circle]),
                      "是" if s.eligible else "否",
                      s.benefit_fen / 100, s.assessment_date])
        count = rank
    return xlsx_response(request, workbook, what="ranking", rows=count, name="ranking")




def prescription_report_workbook(report) -> Workbook:
    """大处方统计 as a workbook: a title row, the items (two columns each: 推荐, 可申请)
    over the townships, and the total row."""
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("大处方统计")
    width = 2 + 2 * len(report.items)
    sheet.append([_("大处方统计：%(region)s（%(on)s）") % {
        "region": report.region.name, "on": report.on.isoformat()}])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=min(width, 12))
    sheet["A1"].font = Font(bold=True, size=13)
    heading = [_("乡镇（街道）"), _("家庭户数")]
    for _code, name in report.items:
        heading += [name, ""]
    sheet.append(heading)
    sheet.append(["", ""] + [_("推荐"), _("可申请")] * len(report.items))
    for column in (1, 2):
        sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    for k in range(len(report.items)):
        sheet.merge_cells(start_row=2, start_column=3 + 2 * k, end_row=2, end_column=4 + 2 * k)
    for row in sheet.iter_rows(min_row=2, max_row=3):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in [*report.rows, report.total]:
        values: list[object] = [row.name, row.households]
        for recommended, applicable in row.cells:
            values += [recommended, applicable]
        sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 22
    for column in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 9
    sheet.freeze_panes = "C4"
    return workbook


def prescription_report_response(*, request, report) -> HttpResponse:
    return xlsx_response(request, prescription_report_workbook(report), what="prescription_report",
                         rows=len(report.rows), name="prescription-report",
                         detail={"region": report.region.code})
