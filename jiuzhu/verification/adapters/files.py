"""Reading a department's export file (部门导出文件): CSV (UTF-8 or GBK) or .xlsx.

One file per source, named after the source code (``vehicles.csv``, ``deposits.xlsx`` …),
in ``settings.VERIFICATION_EXPORT_DIR`` (default ``DATA_DIR/verification_exports``). Rows
are keyed by 身份证号; a person may have several rows (several cars, homes, employers,
bank accounts). Column headers are Chinese (see :data:`EXPORT_FORMATS` and the app's
README); a unit in brackets is ignored (``评估价值（元）`` reads as ``评估价值``).

Only the rows of the people asked about are kept in the payload, exactly as read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from jiuzhu.core.errors import ServiceError
from jiuzhu.core.excel import check_xlsx
from jiuzhu.households.choices import VehicleKind

from .base import SourceResult, SourceUnavailable
from .catalog import source_name

ID_HEADER = "身份证号"
ID_ALIASES = ("身份证号码", "公民身份号码", "证件号码")
CENT = Decimal("0.01")
# Employee plus employer contributions as a share of wages, at the usual upper rate
# (12 % + 12 %): dividing by it gives the lowest wage the contributions imply.
HOUSING_FUND_RATE = Decimal("0.24")

Rows = list[dict[str, Any]]


def export_dir() -> Path:
    return Path(getattr(settings, "VERIFICATION_EXPORT_DIR",
                        settings.DATA_DIR / "verification_exports"))


def export_file(code: str) -> Path | None:
    """The export file of a source, the newer one if both a .xlsx and a .csv are there."""
    folder = export_dir()
    found = [p for p in (folder / f"{code}.xlsx", folder / f"{code}.csv") if p.is_file()]
    if not found:
        return None
    return max(found, key=lambda p: p.stat().st_mtime)


# --- cells -----------------------------------------------------------------------------


class _CellProblem(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _money(value: Any) -> Decimal:
    """An amount in yuan: thousands separators and 元/¥ tolerated; blank is 0."""
    text = _text(value).replace(",", "").replace("，", "").replace("元", "").replace("¥", "")
    if not text:
        return Decimal(0)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _CellProblem(f"“{_text(value)}”不是数字") from None
    if not amount.is_finite() or amount < 0:
        raise _CellProblem(f"“{_text(value)}”不是有效的非负数")
    # Spreadsheet floats carry noise in the last places (1234.5600000001).
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


_VEHICLE_WORDS: dict[str, str] = {
    **{str(label): kind for kind, label in VehicleKind.choices},
    **{kind: kind for kind in VehicleKind.values},
    **dict.fromkeys(("小型汽车", "小型轿车", "轿车", "小型普通客车", "小型客车", "微型轿车",
                     "微型普通客车", "中型客车", "越野车", "SUV", "私家车", "小型越野客车"),
                    VehicleKind.CAR),
    **dict.fromkeys(("二轮摩托车", "三轮摩托车", "普通二轮摩托车", "普通三轮摩托车",
                     "轻便摩托车", "电动摩托车"), VehicleKind.MOTORCYCLE),
    **dict.fromkeys(("拖拉机", "农用运输车", "低速货车", "三轮汽车", "变型拖拉机",
                     "轮式拖拉机", "联合收割机"), VehicleKind.FARM),
    **dict.fromkeys(("残疾人机动轮椅车", "代步车"), VehicleKind.DISABILITY),
    **dict.fromkeys(("营运车辆", "出租车", "营运客车", "营运货车", "出租客运"),
                    VehicleKind.COMMERCIAL_LIVELIHOOD),
}


def _vehicle_kind(value: Any) -> str:
    word = _text(value).replace(" ", "")
    kind = _VEHICLE_WORDS.get(word) or _VEHICLE_WORDS.get(word.lower())
    if kind is None:
        known = "、".join(str(label) for label in VehicleKind.labels)
        raise _CellProblem(f"车辆类型“{_text(value)}”无法识别（可用：{known}）")
    return str(kind)


# --- what each source's file holds -------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """The columns of one source's export (besides 身份证号) and how a person's rows read."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    facts: Callable[[Rows], dict[str, Any]]


def _hukou(rows: Rows) -> dict[str, Any]:
    row = rows[0]
    return {"name": _text(row.get("姓名")), "id_number": row[ID_HEADER],
            "alive": "死亡" not in _text(row.get("人员状态"))}


def _vehicles(rows: Rows) -> dict[str, Any]:
    return {"vehicles": [{"kind": _vehicle_kind(r.get("车辆类型")), "value": _money(r.get("评估价值")),
                          "plate": _text(r.get("号牌号码"))} for r in rows]}


def _real_estate(rows: Rows) -> dict[str, Any]:
    return {"homes": [{"unit": _text(r.get("不动产单元号")), "area_m2": _money(r.get("建筑面积"))}
                      for r in rows]}


def _social_insurance(rows: Rows) -> dict[str, Any]:
    return {"wages": sum((_money(r.get("年工资收入")) for r in rows), Decimal(0)),
            "pension": sum((_money(r.get("年养老金")) for r in rows), Decimal(0))}


def _business(rows: Rows) -> dict[str, Any]:
    live = [r for r in rows if not any(w in _text(r.get("登记状态")) for w in ("注销", "吊销"))]
    return {"business_registration": bool(live),
            "enterprises": [_text(r.get("企业名称")) for r in live]}


def _housing_fund(rows: Rows) -> dict[str, Any]:
    contributions = sum((_money(r.get("年缴存额")) for r in rows), Decimal(0))
    base = max((_money(r.get("月缴存基数")) for r in rows), default=Decimal(0))
    implied = base * 12 if base else (contributions / HOUSING_FUND_RATE).quantize(CENT)
    return {"contributions": contributions, "implied_wages": implied}


def _deposits(rows: Rows) -> dict[str, Any]:
    total = sum((_money(r.get("存款余额")) + _money(r.get("证券市值")) for r in rows), Decimal(0))
    return {"financial_assets": total}


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "hukou": ExportFormat(("姓名",), ("人员状态",), _hukou),
    "vehicles": ExportFormat(("车辆类型", "评估价值"), ("号牌号码",), _vehicles),
    "real_estate": ExportFormat(("建筑面积",), ("不动产单元号", "坐落"), _real_estate),
    "social_insurance": ExportFormat(("年工资收入", "年养老金"), ("单位名称",), _social_insurance),
    "business": ExportFormat(("企业名称",), ("登记状态", "统一社会信用代码"), _business),
    "housing_fund": ExportFormat(("年缴存额",), ("月缴存基数",), _housing_fund),
    "deposits": ExportFormat(("存款余额",), ("证券市值", "开户机构"), _deposits),
}


# --- reading ------------------------------------------------------------------------------


def _header(value: Any) -> str:
    text = re.sub(r"[（(][^）)]*[）)]", "", _text(value).lstrip("\ufeff"))
    text = re.sub(r"\s+", "", text)
    return ID_HEADER if text in ID_ALIASES else text


def _csv_rows(data: bytes) -> tuple[str, Iterator[list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):  # GB 18030 reads every GBK file
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding, csv.reader(io.StringIO(text, newline=""))
    raise SourceUnavailable("导出文件的编码无法识别（应为 UTF-8 或 GBK）")


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        check_xlsx(io.BytesIO(data), field="file")  # a zip bomb is refused before unpacking
    except ServiceError as exc:
        raise SourceUnavailable(exc.message) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise SourceUnavailable(f"导出文件不是有效的 Excel 文件：{exc}") from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


class FileExportAdapter:
    """A source read from its department's export file; no file means the source is
    unavailable."""

    def __init__(self, code: str):
        if code not in EXPORT_FORMATS:
            raise ValueError(f"unknown source {code!r}")
        self.code = code
        self.name = source_name(code)
        self.format = EXPORT_FORMATS[code]

    def __repr__(self) -> str:
        return f"FileExportAdapter({self.code!r})"

    def query(self, *, members: list[dict[str, Any]]) -> SourceResult:
        path = export_file(self.code)
        if path is None:
            raise SourceUnavailable(
                f"未找到{self.name}数据的导出文件（应为 {export_dir() / self.code}.csv 或 .xlsx）")
        try:
            data = path.read_bytes()
            modified = timezone.localtime(datetime.fromtimestamp(path.stat().st_mtime, tz=UTC))
        except OSError as exc:
            raise SourceUnavailable(f"{self.name}导出文件无法读取：{exc.strerror}") from None
        wanted = {str(m["id_number"]).upper() for m in members}
        encoding = ""
        if path.suffix == ".xlsx":
            lines: Iterator[list[Any]] = _xlsx_rows(data)
        else:
            encoding, lines = _csv_rows(data)
        headers, rows, raw = self._matching_rows(lines, wanted, path.name)
        facts: dict[str, dict[str, Any]] = {}
        for id_number, person_rows in rows.items():
            try:
                facts[id_number] = self.format.facts([row for _, row in person_rows])
            except _CellProblem as problem:
                raise SourceUnavailable(f"{self.name}导出文件 {path.name} 第 {person_rows[0][0]} "
                                        f"行起（身份证号 {id_number}）：{problem}") from None
        payload = {"file": path.name, "sha256": hashlib.sha256(data).hexdigest(),
                   "modified_at": modified.isoformat(), "encoding": encoding,
                   "headers": headers, "rows": raw}
        return SourceResult(facts=facts, payload=payload)

    def _matching_rows(self, lines: Iterator[list[Any]], wanted: set[str], filename: str
                       ) -> tuple[list[str], dict[str, list[tuple[int, dict[str, Any]]]], Rows]:
        """The header row as read; every row of a wanted person, keyed by canonical header,
        as {id: [(line number, row)]}; and those rows as read (header as written → text)."""
        original: list[str] = []
        canonical: list[str] = []
        found: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        raw: Rows = []
        for number, line in enumerate(lines, start=1):
            if not any(_text(cell) for cell in line):
                continue
            if not canonical:
                original = [_text(cell).lstrip("\ufeff") for cell in line]
                canonical = [_header(cell) for cell in line]
                self._check_headers(canonical, filename)
                continue
            row = {h: cell for h, cell in zip(canonical, line, strict=False) if h}
            id_number = _text(row.get(ID_HEADER)).upper()
            if id_number in wanted:
                row[ID_HEADER] = id_number
                found.setdefault(id_number, []).append((number, row))
                raw.append({h: _text(c) for h, c in zip(original, line, strict=False) if h})
        if not canonical:
            raise SourceUnavailable(f"{self.name}导出文件 {filename} 是空的")
        return original, found, raw

    def _check_headers(self, headers: list[str], filename: str) -> None:
        missing = [h for h in (ID_HEADER, *self.format.required) if h not in headers]
        if missing:
            raise SourceUnavailable(
                f"{self.name}导出文件 {filename} 缺少列：{'、'.join(missing)}")
