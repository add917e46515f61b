"""The payroll list as an Excel workbook (.xlsx): all payments, then one sheet per bank."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from jiuzhu.documents.text_filters import mask_id

HEADERS = ["序号", "姓名", "身份证号", "开户行", "账号", "金额", "月份"]
NO_BANK = "未登记账户"


@dataclass(frozen=True)
class PayrollRow:
    name: str
    id_number: str
    bank: str
    account: str
    amount: Decimal
    household_id: str = ""


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or NO_BANK
    base, n = title, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title


def _fill(sheet, heading: str, month: date, rows: list[PayrollRow]) -> None:
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    label = f"{month:%Y-%m}"
    for number, row in enumerate(rows, start=1):
        sheet.append([number, row.name, mask_id(row.id_number), row.bank or NO_BANK,
                      row.account, float(row.amount), label])
        sheet.cell(row=sheet.max_row, column=6).number_format = "0.00"
    total = sum((r.amount for r in rows), Decimal("0.00"))
    sheet.append(["合计", f"{len(rows)}户", "", "", "", float(total), label])
    sheet.cell(row=sheet.max_row, column=6).number_format = "0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (6, 10, 22, 20, 24, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width


def payroll_workbook(*, township_name: str, month: date, rows: list[PayrollRow]) -> bytes:
    book = Workbook()
    everything = book.worksheets[0]  # a new workbook: its one (active) sheet
    everything.title = "全部"
    _fill(everything, f"{township_name}{month:%Y年%m月}最低生活保障金发放花名册", month, rows)
    used = {"全部"}
    banks: dict[str, list[PayrollRow]] = {}
    for row in rows:
        banks.setdefault(row.bank or NO_BANK, []).append(row)
    for bank in sorted(banks):
        sheet = book.create_sheet(_sheet_title(bank, used))
        _fill(sheet, f"{township_name}{month:%Y年%m月}发放花名册（{bank}）", month, banks[bank])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
