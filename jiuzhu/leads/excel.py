"""The leads as an Excel workbook (线索台账)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from jiuzhu.audit.downloads import xlsx_response
from jiuzhu.core.masking import mask_id_number, mask_phone

HEADERS = ("线索编号", "登记时间", "来源", "报告人", "报告人电话", "爱心驿站", "被报告人",
           "身份证号", "联系电话", "住址", "所在区划", "困难情况", "紧急程度", "状态", "家庭编号",
           "结果", "结果说明", "办结时间")
MAX_ROWS = 100_000


def _plain(value):
    return value or ""


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def leads_workbook_response(*, request, leads) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("线索台账")
    sheet.append(HEADERS)
    # Full ID numbers and phones only for the roles allowed (households.export_full_id).
    full = bool(request.user.has_perm("households.export_full_id"))
    show_id, show_phone = (_plain, _plain) if full else (mask_id_number, mask_phone)
    count = 0
    for count, lead in enumerate(leads.iterator(chunk_size=2000), start=1):
        if count > MAX_ROWS:
            break
        sheet.append([lead.number, _local(lead.created_at), lead.get_source_display(),
                      lead.reporter_name, show_phone(lead.reporter_phone), lead.station_name,
                      lead.person_name, show_id(lead.id_number), show_phone(lead.phone),
                      lead.address,
                      lead.region.name, lead.description, lead.get_urgency_display(),
                      lead.get_status_display(),
                      lead.household.household_id if lead.household else "",
                      lead.get_outcome_display(), lead.outcome_note, _local(lead.closed_at)])
    return xlsx_response(request, workbook, what="leads", rows=count, name="leads",
                         detail={"field": "id_number" if full else "masked"})
