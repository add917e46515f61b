"""Writing household workbooks: the template, exports and error reports (openpyxl, streaming).

Workbooks are written in openpyxl's write-only mode, row by row, so an export of a whole
county does not hold its cells in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from os import PathLike
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .layout import (
    FIRST_DATA_ROW,
    HOUSEHOLDS,
    INSTRUCTIONS_SHEET,
    MEMBERS,
    SHEETS,
    SUPPORTERS,
    VEHICLES,
    Column,
    Sheet,
)

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="A4161A")
_KEY_FONT = Font(italic=True, color="808080", size=9)
_HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")
_NUMBER_FORMATS = {"text": "@", "list": "@", "money": "0.00", "date": "yyyy-mm-dd"}


@dataclass
class WriteCounts:
    households: int = 0
    members: int = 0
    supporters: int = 0
    vehicles: int = 0


def _get(data: dict[str, Any], key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def cell_value(column: Column, value: Any) -> Any:
    """What goes into the cell for a schema value (Chinese labels for enums and booleans)."""
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == "bool":
        return "是" if value else "否"
    if kind == "enum":
        return column.label_of(str(value))
    if kind in ("money", "number"):
        return _decimal(value)
    if kind == "count":
        return int(value)
    if kind == "date":
        return date.fromisoformat(value) if isinstance(value, str) else value
    if kind == "list":
        return ",".join(str(v) for v in value)
    return str(value)


class _SheetWriter:
    def __init__(self, workbook: Workbook, sheet: Sheet):
        self.sheet = sheet
        self.ws = workbook.create_sheet(sheet.name)
        self.rows = 0
        for index, column in enumerate(sheet.columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        self.ws.freeze_panes = f"B{FIRST_DATA_ROW}"
        labels, keys = [], []
        for column in sheet.columns:
            label = WriteOnlyCell(self.ws, value=column.label)
            label.font = _REQUIRED_FONT if column.required else _HEADER_FONT
            label.fill = _HEADER_FILL
            key = WriteOnlyCell(self.ws, value=column.key)
            key.font = _KEY_FONT
            labels.append(label)
            keys.append(key)
        self.ws.append(labels)
        self.ws.append(keys)
        self._formats = [_NUMBER_FORMATS.get(c.kind) for c in sheet.columns]
        self._add_dropdowns()

    def _add_dropdowns(self) -> None:
        # Warnings, not stops: the import also accepts the English codes.
        for index, column in enumerate(self.sheet.columns, start=1):
            if column.kind == "enum":
                options = [label for _, label in column.labels]
            elif column.kind == "bool":
                options = ["是", "否"]
            else:
                continue
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                errorStyle="warning", showErrorMessage=True, errorTitle="取值不在列表中",
                error="请从下拉列表中选择", showInputMessage=bool(column.hint),
                prompt=column.hint or None,
                sqref=f"{letter}{FIRST_DATA_ROW}:{letter}1048576",
            )
            self.ws.data_validations.append(validation)

    def append(self, values: list[Any]) -> None:
        row = []
        for value, number_format in zip(values, self._formats, strict=True):
            if value is None or number_format is None:
                row.append(value)
            else:
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = number_format
                row.append(cell)
        self.ws.append(row)
        self.rows += 1


def _instructions(workbook: Workbook) -> None:
    ws = workbook.create_sheet(INSTRUCTIONS_SHEET)
    for letter, width in zip("ABCDE", (12, 18, 34, 6, 60), strict=True):
        ws.column_dimensions[letter].width = width
    title = WriteOnlyCell(ws, value="家庭信息导入表 填写说明")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for line in (
        "1. 本文件有 家庭、成员、赡养义务人、车辆 四个工作表，用“家庭编号”把成员、赡养义务人和车辆对应到家庭；"
        "尚无编号的新家庭填“新1”“新2”……，导入时由系统自动编号（H＋区划代码＋序号）。",
        "2. 第 1 行是中文列名，第 2 行是系统字段名，请勿修改或删除这两行；数据从第 3 行开始填写。",
        "3. 红色列名为必填列。下拉列可选中文，也可填英文代码；“是/否”列留空视为“否”，金额留空视为 0。",
        "4. 日期请用日期格式或 YYYY-MM-DD 文本；身份证号、区划代码、电话请以文本格式填写，以免 Excel 改写。",
        "5. 导入前系统会校验全部数据：只要有一处错误，整个文件都不会写入，并给出错误报告（工作表、行号、列名、原因）；改正后重新上传即可。",
        "6. 只能导入您管辖区划内的家庭；家庭编号和家庭成员身份证号不能与系统中在册的家庭重复。",
        "7. 模板中的示例家庭（家庭编号以“示例”开头）仅供参考，导入前请删除。",
    ):
        ws.append([None, line])
    ws.append([])
    header = [WriteOnlyCell(ws, value=v) for v in ("工作表", "列名", "字段名", "必填", "说明与可选值")]
    for cell in header:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    ws.append(header)
    for sheet in SHEETS:
        ws.append([sheet.name, None, None, None, sheet.note])
        for column in sheet.columns:
            detail = column.hint
            if column.kind == "enum":
                options = "、".join(f"{label}（{code}）" for code, label in column.labels)
                detail = f"可选：{options}" + (f"；{detail}" if detail else "")
            ws.append([None, column.label, column.key, "是" if column.required else "", detail])


def workbook_write(dest: str | PathLike[str] | IO[bytes], households: Iterable[dict[str, Any]]) -> WriteCounts:
    """Write household dicts (household.schema.json shape) as a workbook in the layout."""
    workbook = Workbook(write_only=True)
    _instructions(workbook)
    writers = {sheet.entity: _SheetWriter(workbook, sheet) for sheet in SHEETS}
    counts = WriteCounts()
    for data in households:
        household_id = data.get("household_id")
        writers["household"].append(
            [cell_value(c, _get(data, c.key)) for c in HOUSEHOLDS.columns])
        for member in data.get("members") or []:
            writers["member"].append(_child_row(MEMBERS, household_id, member))
        for supporter in data.get("supporters") or []:
            writers["supporter"].append(_child_row(SUPPORTERS, household_id, supporter))
        for vehicle in (data.get("assets") or {}).get("vehicles") or []:
            writers["vehicle"].append(_child_row(VEHICLES, household_id, vehicle))
        counts.households += 1
    counts.members = writers["member"].rows
    counts.supporters = writers["supporter"].rows
    counts.vehicles = writers["vehicle"].rows
    workbook.save(dest)
    return counts


def _child_row(sheet: Sheet, household_id: Any, data: dict[str, Any]) -> list[Any]:
    return [household_id] + [cell_value(c, _get(data, c.key)) for c in sheet.columns[1:]]


ERROR_REPORT_COLUMNS = (("sheet", "工作表", 12), ("row", "行号", 8), ("column", "列", 16),
                        ("household_id", "家庭编号", 16), ("message", "错误说明", 70))


def error_report_write(dest: str | IO[bytes], errors: Iterable[dict[str, Any]]) -> None:
    """The error report of an import (导入错误报告) as a one-sheet workbook."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("错误报告")
    header = []
    for index, (_, label, width) in enumerate(ERROR_REPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        cell = WriteOnlyCell(ws, value=label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        header.append(cell)
    ws.freeze_panes = "A2"
    ws.append(header)
    for error in errors:
        ws.append([error.get(key) for key, _, _ in ERROR_REPORT_COLUMNS])
    workbook.save(dest)
