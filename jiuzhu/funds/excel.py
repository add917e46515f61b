"""The funds' Excel downloads: a fund's ledger (the list page's export) and a statement."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jiuzhu.audit.downloads import cell, list_response, xlsx_response

from .models import Fund
from .present import entry_kind_text, level_text, statement_rows
from .selectors import Statement

LEDGER_HEADERS = ("分录号", "日期", "类别", "金额（元）", "凭证号", "个案编号", "救助乡镇",
                  "响应等级", "捐赠人", "收据号", "收款人", "发放方式", "文书编号", "冲销分录号",
                  "经办人", "记账时间", "说明")


def _user(user: Any) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else _("系统")


def ledger_response(request: HttpRequest, fund: Fund, entries: Any) -> HttpResponse:
    def rows():
        for e in entries.iterator(chunk_size=2000):
            yield (e.pk, e.on, entry_kind_text(e), e.amount_fen / 100, e.voucher, e.case_number,
                   e.township.name if e.township_id else "",
                   level_text(e.level) if e.level else "", e.donor, e.receipt_number, e.payee,
                   e.get_method_display(), e.document_number, e.reverses_id or "",
                   _user(e.created_by), e.created_at, e.note)

    return list_response(request, what="fund_ledger", name=f"{fund.name}{_('台账')}",
                         headers=[_(h) for h in LEDGER_HEADERS], rows=rows())


def statement_response(request: HttpRequest, result: Statement) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(_("收支报表"))
    sheet.append([cell(sheet, result.fund.name),
                  f"{result.start.isoformat()} — {result.end.isoformat()}"])
    sheet.append([_("项目"), _("明细"), _("金额（元）")])
    rows = statement_rows(result)
    for section, item, fen in rows:
        sheet.append([section, cell(sheet, item), fen / 100])
    return xlsx_response(request, workbook, what="fund_statement", rows=len(rows),
                         name=f"{result.fund.name}{_('收支报表')}",
                         detail={"name": result.fund.name})

