"""Reading a household workbook into household dicts of household.schema.json's shape.

Every value keeps where it came from (sheet and Excel row), so that an error found later
on a schema path (``members[1].id_number``) is reported on its cell (成员 sheet, the row of
the household's second member, column 身份证号). Money is read as ``Decimal`` from the cell,
never through binary floats: a cell showing 1234.5 becomes ``Decimal("1234.50")``.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from lxml import etree

from jiuzhu.core.errors import ServiceError
from jiuzhu.core.excel import check_xlsx
from jiuzhu.rules.money import decimal_places

from . import xlsx
from .layout import (
    FALSE_WORDS,
    HOUSEHOLDS,
    MEMBERS,
    SHEET_BY_ENTITY,
    SHEETS,
    SUPPORTERS,
    TRUE_WORDS,
    VEHICLES,
    Column,
    Sheet,
)
from .xlsx import XlsxError, XlsxWorkbook

CENT = Decimal("0.01")


class _Missing:
    """A cell that could not be read (its error is reported); one object, also after a
    trip through pickle (a sheet read in another process)."""

    def __reduce__(self) -> str:
        return "_MISSING"


_MISSING = _Missing()
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
_AMOUNT_NOISE = re.compile(r"[,，\s元¥￥]")


@dataclass(frozen=True)
class RowError:
    """One problem in the file, on its cell: sheet, Excel row, column header, message."""

    sheet: str
    row: int | None
    column: str
    message: str
    household_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "household_id": self.household_id, "message": self.message}


@dataclass
class ParsedHousehold:
    """One household of the file with the rows its parts came from."""

    data: dict[str, Any]
    row: int
    member_rows: list[int] = field(default_factory=list)
    supporter_rows: list[int] = field(default_factory=list)
    vehicle_rows: list[int] = field(default_factory=list)

    @property
    def household_id(self) -> str:
        return self.data["household_id"]

    def locate(self, path: str, message: str) -> RowError:
        """The cell of a schema path of this household (see module docstring)."""
        match = re.match(r"^(members|supporters|assets\.vehicles)\[(\d+)\]\.?(.*)$", path)
        if match:
            entity = {"members": "member", "supporters": "supporter",
                      "assets.vehicles": "vehicle"}[match.group(1)]
            rows = {"member": self.member_rows, "supporter": self.supporter_rows,
                    "vehicle": self.vehicle_rows}[entity]
            index = int(match.group(2))
            if index < len(rows):
                sheet = SHEET_BY_ENTITY[entity]
                column = sheet.column_for_path(match.group(3)) if match.group(3) else None
                return RowError(sheet.name, rows[index], column.label if column else "",
                                message, self.household_id)
        column = HOUSEHOLDS.column_for_path(path) if path else None
        if column is None and path:
            message = f"{_CONTAINER_LABELS.get(path.split('[')[0], path)}：{message}"
        return RowError(HOUSEHOLDS.name, self.row, column.label if column else "", message,
                        self.household_id)


_CONTAINER_LABELS = {"members": "成员", "supporters": "赡养义务人", "assets.vehicles": "车辆",
                     "expenditures": "刚性支出", "assets": "财产", "flags": "标记"}


@dataclass
class ParsedWorkbook:
    households: list[ParsedHousehold]
    errors: list[RowError]
    members: int = 0
    supporters: int = 0
    vehicles: int = 0


class UnreadableWorkbook(Exception):
    """The file is not a workbook this reader can open."""


# --- cells ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _amount(value: Any) -> Decimal | None:
    """A cell's number as the decimal it shows: floats keep Excel's 15 significant digits,
    so 0.1 + 0.2 computed in a sheet reads 0.3, not 0.30000000000000004."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, str):
        try:
            result = Decimal(_AMOUNT_NOISE.sub("", value))
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    return None


def convert(column: Column, raw: Any) -> tuple[Any, str]:
    """A cell's value for the schema, or (_MISSING, "") if empty, or (_MISSING, error)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _MISSING, ""
    kind = column.kind
    if kind == "text":
        if column.key == "id_number" and isinstance(raw, int | float):
            return _MISSING, "身份证号被 Excel 存成了数字（会丢失末几位），请把该列设为文本格式后重新填写"
        if isinstance(raw, datetime | date):
            return _MISSING, "应为文本，不是日期"
        text = _text(raw)
        return (text.upper() if column.key == "id_number" else text), ""
    if kind == "date":
        if isinstance(raw, datetime):
            return raw.date().isoformat(), ""
        if isinstance(raw, date):
            return raw.isoformat(), ""
        if isinstance(raw, str):
            match = _DATE_TEXT.match(raw.strip())
            if match:
                try:
                    return date(*(int(g) for g in match.groups())).isoformat(), ""
                except ValueError:
                    pass
        return _MISSING, f"不是有效的日期：{_text(raw)}（请用日期单元格或 YYYY-MM-DD）"
    if kind in ("money", "number"):
        amount = _amount(raw)
        if amount is None:
            return _MISSING, f"应为数字：{_text(raw)}"
        if kind == "money" and decimal_places(amount) <= 2:
            amount = amount.quantize(CENT)
        return amount, ""
    if kind == "count":
        amount = _amount(raw)
        if amount is None or amount != amount.to_integral_value():
            return _MISSING, f"应为整数：{_text(raw)}"
        return int(amount), ""
    if kind == "bool":
        if isinstance(raw, bool):
            return raw, ""
        word = _text(raw).lower()
        if word in TRUE_WORDS:
            return True, ""
        if word in FALSE_WORDS:
            return False, ""
        return _MISSING, f"请填写“是”或“否”，而不是：{_text(raw)}"
    if kind == "enum":
        word = _text(raw)
        code = column.code_lookup.get(word) or column.code_lookup.get(word.lower())
        if code is None:
            options = "、".join(label for _, label in column.labels)
            return _MISSING, f"不是有效的取值：{word}（可选：{options}）"
        return code, ""
    if kind == "list":
        return [part for part in _LIST_SEPARATORS.split(_text(raw)) if part], ""
    raise ValueError(f"unknown column kind {kind}")


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    parts = _PARTS.get(key)
    if parts is None:
        parts = _PARTS.setdefault(key, tuple(key.split(".")))
    if len(parts) == 1:
        target[key] = value
        return
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


#: a column key's parts ("income.wages" → ("income", "wages")), split once
_PARTS: dict[str, tuple[str, ...]] = {}


# --- sheets -----------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    household_id: str
    values: dict[str, Any]


def _header_columns(sheet: Sheet, labels: tuple, keys: tuple,
                    errors: list[RowError]) -> tuple[dict[int, Column], bool]:
    """Column positions of a sheet from its header rows (Chinese labels, English keys)."""
    by_label = {c.label: c for c in sheet.columns}
    has_key_row = any(isinstance(k, str) and k.strip() in sheet.by_key for k in keys)
    found: dict[int, Column] = {}
    for position in range(max(len(labels), len(keys) if has_key_row else 0)):
        label = labels[position] if position < len(labels) else None
        key = keys[position] if has_key_row and position < len(keys) else None
        column = None
        if isinstance(key, str) and key.strip():
            column = sheet.by_key.get(key.strip())
        if column is None and label is not None:
            text = _text(label).replace("*", "").replace("＊", "")
            column = by_label.get(text) or sheet.by_key.get(text)
            for token in text.split():
                column = column or by_label.get(token) or sheet.by_key.get(token)
        if column is None:
            shown = _text(label) if label is not None else _text(key) if key is not None else ""
            if shown:
                errors.append(RowError(sheet.name, 1, shown, f"无法识别的列：{shown}"))
            continue
        if column in found.values():
            errors.append(RowError(sheet.name, 1, column.label, f"列“{column.label}”重复出现"))
            continue
        found[position] = column
    for column in sheet.columns:
        if column.required and column not in found.values():
            errors.append(RowError(sheet.name, 1, column.label, f"缺少必填列：{column.label}"))
    return found, has_key_row


def _read_sheet(rows: Iterator[tuple[int, tuple]], sheet: Sheet,
                errors: list[RowError]) -> Iterator[_Row]:
    header: dict[int, tuple] = {}
    pending: list[tuple[int, tuple]] = []
    for number, values in rows:
        if number > 2:
            pending.append((number, values))
            break
        header[number] = values
    columns, has_key_row = _header_columns(sheet, header.get(1, ()), header.get(2, ()), errors)
    if sheet.columns[0] not in columns.values():
        return
    if not has_key_row and 2 in header:
        pending.insert(0, (2, header[2]))
    positions = sorted(columns.items())
    id_position = next(p for p, c in positions if c.key == "household_id")
    for number, values in _chain(pending, rows):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out: dict[str, Any] = {}
        for position, column in positions:
            raw = values[position] if position < len(values) else None
            if raw is None:
                continue
            value, problem = convert(column, raw)
            if problem:
                owner = values[id_position] if id_position < len(values) else None
                errors.append(RowError(sheet.name, number, column.label, problem,
                                       _text(owner) if owner is not None else ""))
                out[column.key] = _MISSING
            elif value is not _MISSING:
                out[column.key] = value
        household_id = out.pop("household_id", None)
        if household_id is None:
            errors.append(RowError(sheet.name, number, sheet.columns[0].label, "请填写家庭编号"))
            continue
        if household_id is _MISSING:
            continue
        yield _Row(number, household_id, out)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _strip_missing(values: dict[str, Any]) -> dict[str, Any]:
    """The row's fields in the schema's nesting, leaving out cells that could not be read."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is not _MISSING:
            _put(out, key, value)
    return out


#: A sheet this large (unpacked XML, bytes) is read in a process of its own beside the
#: others, when the machine has a second core: the 成员 sheet of a county's file.
PARALLEL_SHEET_BYTES = 8 * 1024 * 1024


def workbook_read(source: str | IO[bytes]) -> ParsedWorkbook:
    """All households of a workbook, with every error the file itself shows: cells that
    cannot be read, rows without their household, and duplicates within the file (the same
    household number twice, the same ID number in two households).

    A large sheet of a big file (see _sheet_aside) is read in a forked process while this one reads the
    others (the same code; without a second core, or if that process fails, here)."""
    errors: dict[str, list[RowError]] = {sheet.entity: [] for sheet in SHEETS}
    rows: dict[str, list[_Row]] = {}
    if not isinstance(source, str | io.BytesIO):
        # in memory: a forked process reading it must not share the file's read position
        source = io.BytesIO(source.read())
    try:
        workbook = XlsxWorkbook(source)
        try:
            present = [sheet for sheet in SHEETS if sheet.name in workbook.sheetnames]
            aside = _sheet_aside(workbook, present)
            for sheet in SHEETS:
                if sheet not in present:
                    if sheet.required:
                        errors[sheet.entity].append(RowError(sheet.name, None, "",
                                                             f"缺少工作表“{sheet.name}”"))
                    rows[sheet.entity] = []
                elif aside is None or aside.sheet is not sheet:
                    rows[sheet.entity] = list(_read_sheet(workbook.rows(sheet.name), sheet,
                                                          errors[sheet.entity]))
            if aside is not None:
                read = aside.result()
                if read is None:  # the other process failed: read it here
                    read = (list(_read_sheet(workbook.rows(aside.sheet.name), aside.sheet,
                                             errors[aside.sheet.entity])), [])
                rows[aside.sheet.entity] = read[0]
                errors[aside.sheet.entity] += read[1]
        finally:
            workbook.close()
    except (XlsxError, zipfile.BadZipFile, KeyError, IndexError, ValueError,
            etree.LxmlError) as exc:
        raise UnreadableWorkbook(f"无法读取该 Excel 文件，文件可能已损坏：{exc}") from exc
    return _assemble(rows, [e for sheet in SHEETS for e in errors[sheet.entity]])


class _SheetAside:
    """One sheet read by a forked process, its rows and errors sent back pickled."""

    def __init__(self, workbook: XlsxWorkbook, sheet: Sheet):
        self.sheet = sheet
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_read_aside, args=(workbook, sheet, sender),
                                       daemon=True)
        self.process.start()
        sender.close()

    def result(self) -> tuple[list[_Row], list[RowError]] | None:
        """The sheet's rows and errors, or None if the process failed."""
        try:
            outcome = self.receiver.recv()
        except (EOFError, OSError):
            outcome = None
        finally:
            self.receiver.close()
            self.process.join()
        return outcome if isinstance(outcome, tuple) else None


def _read_aside(workbook: XlsxWorkbook, sheet: Sheet, sender: Any) -> None:
    """In the forked process: read the sheet (the workbook's archive is this process's copy;
    nothing here touches the database) and send what was read, or None."""
    try:
        if isinstance(workbook.source, str):  # its own file handle (not the parent's position)
            workbook = XlsxWorkbook(workbook.source)
        errors: list[RowError] = []
        sender.send((list(_read_sheet(workbook.rows(sheet.name), sheet, errors)), errors))
    except BaseException:  # noqa: BLE001 - the parent reads the sheet itself
        sender.send(None)
    finally:
        sender.close()


def _sheet_aside(workbook: XlsxWorkbook, present: list[Sheet]) -> _SheetAside | None:
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    sizes = {sheet.name: workbook.unpacked_size(sheet.name) for sheet in present}
    by_size = sorted(present, key=lambda sheet: sizes[sheet.name], reverse=True)
    if not by_size or sizes[by_size[0].name] < PARALLEL_SHEET_BYTES:
        return None
    if xlsx.ENGINE == "calamine" and len(by_size) > 1:
        # calamine unpacks fast, turning cells into values is the work, and the rows read
        # aside are sent back pickled: the second largest sheet (家庭) aside balances the
        # two processes (15 s → 11 s for 100,000 households, 287,651 members)
        return _SheetAside(workbook, by_size[1])
    return _SheetAside(workbook, by_size[0])


def _assemble(rows: dict[str, list[_Row]], errors: list[RowError]) -> ParsedWorkbook:
    households: dict[str, ParsedHousehold] = {}
    for row in rows["household"]:
        if row.household_id in households:
            first = households[row.household_id].row
            errors.append(RowError(HOUSEHOLDS.name, row.number, HOUSEHOLDS.columns[0].label,
                                   f"家庭编号 {row.household_id} 在本文件第 {first} 行已出现",
                                   row.household_id))
            continue
        data = {"household_id": row.household_id, **_strip_missing(row.values),
                "members": [], "supporters": []}
        data.setdefault("assets", {})["vehicles"] = []
        households[row.household_id] = ParsedHousehold(data=data, row=row.number)

    def owner(sheet: Sheet, row: _Row) -> ParsedHousehold | None:
        household = households.get(row.household_id)
        if household is None:
            errors.append(RowError(sheet.name, row.number, sheet.columns[0].label,
                                   f"“家庭”表中没有家庭编号 {row.household_id}",
                                   row.household_id))
        return household

    id_numbers: dict[str, tuple[str, int]] = {}
    for row in rows["member"]:
        household = owner(MEMBERS, row)
        if household is None:
            continue
        number = row.values.get("id_number")
        if isinstance(number, str):
            seen = id_numbers.setdefault(number, (row.household_id, row.number))
            if seen[0] != row.household_id:
                errors.append(RowError(
                    MEMBERS.name, row.number, "身份证号",
                    f"身份证号与本文件第 {seen[1]} 行（家庭 {seen[0]}）重复", row.household_id))
        household.data["members"].append(_strip_missing(row.values))
        household.member_rows.append(row.number)
    for row in rows["supporter"]:
        household = owner(SUPPORTERS, row)
        if household is not None:
            household.data["supporters"].append(_strip_missing(row.values))
            household.supporter_rows.append(row.number)
    for row in rows["vehicle"]:
        household = owner(VEHICLES, row)
        if household is not None:
            household.data["assets"]["vehicles"].append(_strip_missing(row.values))
            household.vehicle_rows.append(row.number)
    return ParsedWorkbook(households=list(households.values()), errors=errors,
                          members=len(rows["member"]), supporters=len(rows["supporter"]),
                          vehicles=len(rows["vehicle"]))


# --- the uploaded file ------------------------------------------------------------------

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other OLE files


def upload_problem(upload: IO[bytes], size: int, max_bytes: int) -> str:
    """What is wrong with an uploaded file as an .xlsx workbook ('' if nothing)."""
    if size == 0:
        return "文件是空的"
    if size > max_bytes:
        return (f"文件过大（{size / 1048576:.1f} MB），"
                f"上限为 {max_bytes / 1048576:.0f} MB，请分成几个文件导入")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(_OLE_MAGIC):
        return "这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传"
    if not head.startswith(_XLSX_MAGIC):
        return "文件不是 Excel 工作簿（.xlsx），请上传用导入模板填写的 .xlsx 文件"
    try:
        check_xlsx(upload)
    except ServiceError as refused:
        return refused.message
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return "文件已损坏，无法作为 Excel 工作簿（.xlsx）打开"
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in names:
        return "文件是压缩包但不是 Excel 工作簿（.xlsx），请上传用导入模板填写的 .xlsx 文件"
    return ""
