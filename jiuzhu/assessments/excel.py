"""The ranking as an Excel workbook (困难程度排序表)."""

from __future__ import annotations

from django.http import HttpResponse
from openpyxl import Workbook

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


