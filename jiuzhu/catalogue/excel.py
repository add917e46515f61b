"""The catalogue as an Excel workbook (openpyxl): export of the items in force, and the
reading of a workbook in the same layout for ``services.catalogue_import``.

One row per item; 申请材料 one per line inside its cell. On import, 部门名称 and 生效日期
are ignored (the department is its code; the date is chosen on the import page), 办理层级
and 规则程序 accept the code or the Chinese label, and an empty 规则程序 means none.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.excel import check_xlsx

from .choices import Level, Program
from .models import Item

SHEET = "政策清单"
# header -> field; None: exported, ignored on import
COLUMNS: dict[str, str | None] = {
    "事项编码": "code", "事项名称": "name", "部门代码": "department", "部门名称": None,
    "办理层级": "level", "办理时限（工作日）": "limit", "规则程序": "program",
    "申请材料": "materials", "政策依据": "policy", "申请条件": "conditions",
    "办理流程": "process", "给居民的说明": "resident_text",
    "符合条件（表达式）": "condition_eligible", "可能符合条件（表达式）": "condition_possible",
    "生效日期": None,
}
WIDTHS = (10, 28, 9, 16, 12, 10, 14, 28, 40, 50, 60, 50, 40, 40, 12)
REQUIRED = ("事项编码", "事项名称", "部门代码", "办理层级", "办理时限（工作日）")
MAX_ROWS = 2000


def export_workbook(items: list[Item]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook: its one (active) sheet
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
    for item in items:
        sheet.append([item.code, item.name, item.department.code, item.department.name,
                      item.get_level_display(), item.limit, item.program,
                      "\n".join(item.materials), item.policy, item.conditions, item.process,
                      item.resident_text, item.condition_eligible, item.condition_possible,
                      item.valid_from])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
        row[-1].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "C2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _file_error(message: str) -> ServiceError:
    return ServiceError(ErrorCode.VALIDATION, message, [{"path": "file", "message": message}])


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value


LEVELS = {**{v: v for v in Level.values}, **{str(label): v for v, label in Level.choices},
          "乡镇": Level.TOWNSHIP, "街道": Level.TOWNSHIP, "县": Level.COUNTY}
PROGRAMS = {**{v: v for v in Program.values}, **{str(label): v for v, label in Program.choices},
            "无": "", "-": "", "—": ""}


def read_workbook(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """``[(sheet row number, {field: value})]`` of the first sheet; raises ServiceError
    naming ``file`` for a file that is not a workbook, unpacks too far (a zip bomb,
    :func:`~jiuzhu.core.excel.check_xlsx`) or lacks a required column."""
    check_xlsx(BytesIO(content), field="file")
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _file_error("无法读取该文件：请上传由本平台导出、或另存为 .xlsx 的 Excel 文件") from None
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    names = [str(h).strip() if h is not None else "" for h in header]
    missing = [h for h in REQUIRED if h not in names]
    if missing:
        raise _file_error(f"第 1 行缺少列：{'、'.join(missing)}")
    out: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise _file_error(f"一次最多导入 {MAX_ROWS} 个事项")
        if not any(v not in (None, "") for v in values):
            continue
        row: dict[str, Any] = {}
        for name, value in zip(names, values, strict=False):
            field = COLUMNS.get(name)
            if field:
                row[field] = _text(value)
        if "level" in row:
            row["level"] = LEVELS.get(str(row["level"]), row["level"])
        if "program" in row:
            row["program"] = PROGRAMS.get(str(row["program"]), row["program"])
        out.append((number, row))
    book.close()
    return out
