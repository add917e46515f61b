"""The 月报's figures as tables of text (the page, Excel and PDF show the same cells) and
as the API's JSON (money in yuan with two decimals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.rules.money import format_fen

from .selectors import TOTAL

N, FEN, SPAN, RATE, TEKUN_STANDARD = "n", "fen", "span", "rate", "tekun_standard"

_PERSON_COLUMNS: tuple[tuple[str, Any, str], ...] = (
    ("households", gettext_lazy("户数"), N),
    ("persons", gettext_lazy("人数"), N),
    ("female", gettext_lazy("其中：女性"), N),
    ("elderly", gettext_lazy("老年人（≥60岁）"), N),
    ("minors", gettext_lazy("未成年人（<18岁）"), N),
    ("disabled", gettext_lazy("残疾人"), N),
    ("expenditure", gettext_lazy("当月支出（元）"), FEN),
    ("standard", gettext_lazy("保障标准（元/人·月）"), SPAN),
    ("average", gettext_lazy("月人均补助水平（元）"), FEN),
)

#: key, title, columns (figure, label, format); 一门受理 has a row per department.
TABLES: tuple[tuple[str, Any, tuple[tuple[str, Any, str], ...]], ...] = (
    ("urban_dibao", gettext_lazy("城市最低生活保障"), _PERSON_COLUMNS),
    ("rural_dibao", gettext_lazy("农村最低生活保障"), _PERSON_COLUMNS),
    ("tekun", gettext_lazy("特困人员救助供养"), (
        ("persons", gettext_lazy("人数"), N),
        ("concentrated", gettext_lazy("其中：集中供养"), N),
        ("dispersed", gettext_lazy("分散供养"), N),
        ("expenditure", gettext_lazy("当月支出（元）"), FEN),
        ("standard", gettext_lazy("基本生活标准（元/人·月）"), TEKUN_STANDARD),
    )),
    ("temporary", gettext_lazy("临时救助"), (
        ("times", gettext_lazy("人次"), N),
        ("emergency", gettext_lazy("其中：急难型"), N),
        ("expense", gettext_lazy("支出型"), N),
        ("non_local", gettext_lazy("其中：非本地户籍"), N),
        ("expenditure", gettext_lazy("当月支出（元）"), FEN),
        ("average", gettext_lazy("次均救助水平（元）"), FEN),
    )),
    ("low_income", gettext_lazy("低收入人口"), (
        ("households", gettext_lazy("户数"), N),
        ("persons", gettext_lazy("人数"), N),
        ("monitored_households", gettext_lazy("其中：纳入监测户数"), N),
        ("monitored_persons", gettext_lazy("纳入监测人数"), N),
    )),
    ("one_window", gettext_lazy("一门受理"), (
        ("received", gettext_lazy("受理件数"), N),
        ("finished", gettext_lazy("办结"), N),
        ("on_time_rate", gettext_lazy("按时办结率"), RATE),
        ("transferred", gettext_lazy("转办"), N),
        ("cohandled", gettext_lazy("协办"), N),
        ("overdue", gettext_lazy("超时"), N),
    )),
)

FIGURE_LABELS = {
    "households": gettext_lazy("户数"), "persons": gettext_lazy("人数"),
    "expenditure": gettext_lazy("当月支出"), "times": gettext_lazy("人次"),
}


def span_text(values: list[int] | None) -> str:
    if not values:
        return "—"
    low, high = values[0], values[-1]
    return format_fen(low) if low == high else f"{format_fen(low)}–{format_fen(high)}"


def rate_text(per_mille: int) -> str:
    if per_mille < 0:
        return "—"
    return f"{per_mille // 10}.{per_mille % 10}%"


def cell_text(figures: dict[str, Any], key: str, kind: str) -> str:
    if kind == N:
        return str(figures.get(key, 0))
    if kind == FEN:
        return format_fen(figures.get(key, 0))
    if kind == SPAN:
        return span_text(figures.get(key))
    if kind == RATE:
        return rate_text(figures.get(key, -1))
    # 特困 基本生活标准: urban and rural
    urban, rural = span_text(figures.get("standard_urban")), span_text(figures.get("standard_rural"))
    return _("城市 %(urban)s / 农村 %(rural)s") % {"urban": urban, "rural": rural}


@dataclass
class TableRow:
    name: str
    cells: list[str]
    total: bool = False


@dataclass
class ReportTable:
    key: str
    title: str
    first: str  # the first column's label: 地区 or 部门
    columns: list[str]
    rows: list[TableRow] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # each column's format (N, FEN, …)


def tables(figures: dict[str, Any]) -> list[ReportTable]:
    """The six tables, rows per sub-region (or department), the total last."""
    out: list[ReportTable] = []
    region_rows = [(row["code"], row["name"]) for row in figures.get("rows", [])]
    for key, title, columns in TABLES:
        if key == "one_window":
            data = figures.get(key, {}).get("rows", {})
            names = figures.get(key, {}).get("names", {})
            order = [(code, names.get(code, code)) for code in names]
            first = _("部门")
        else:
            data, order, first = figures.get(key, {}), region_rows, _("地区")
        table = ReportTable(key=key, title=str(title), first=first,
                            columns=[str(label) for _k, label, _f in columns],
                            kinds=[kind for _k, _l, kind in columns])
        for code, name in [*order, (TOTAL, _("合计"))]:
            row = data.get(code) or {}
            table.rows.append(TableRow(name=name, total=code == TOTAL,
                                       cells=[cell_text(row, k, kind) for k, _l, kind in columns]))
        out.append(table)
    return out


def note_texts(figures: dict[str, Any]) -> list[str]:
    """The notes (差异说明) on the month before, in words."""
    titles = {key: str(title) for key, title, _c in TABLES}
    texts = []
    for note in figures.get("notes", []):
        money = note["figure"] == "expenditure"

        def show(value: int, money: bool = money) -> str:
            return format_fen(value) + _("元") if money else str(value)

        difference = note["difference"]
        sign = "+" if difference > 0 else "−"
        why = (_("原因：关账后登记或更正的发放（%(numbers)s）") % {"numbers": "、".join(note["applications"])}
               if note.get("applications") else _("原因：关账后登记数据发生变动（未能定位到具体发放记录）"))
        texts.append(_("%(month)s %(table)s %(row)s %(figure)s：关账时 %(before)s，现为 %(now)s（%(sign)s%(diff)s）。%(why)s")
                     % {"month": note["month"], "table": titles.get(note["table"], note["table"]),
                        "row": note["row_name"], "figure": str(FIGURE_LABELS.get(note["figure"], note["figure"])),
                        "before": show(note["before"]), "now": show(note["now"]), "sign": sign,
                        "diff": show(abs(difference)), "why": why})
    return texts


# --- the API's JSON --------------------------------------------------------------------------


def _programme_json(figures: dict[str, Any], key: str) -> dict[str, Any]:
    rows = figures.get(key, {})
    names = [(r["code"], r["name"]) for r in figures.get("rows", [])]

    def one(data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in data.items():
            if name in ("expenditure", "average"):
                out[name] = format_fen(value)
            elif name.startswith("standard"):
                out[name] = [format_fen(v) for v in value]
            else:
                out[name] = value
        out.setdefault("households", 0)
        out.setdefault("persons", 0)
        out.setdefault("expenditure", "0.00")
        return out

    total = one(rows.get(TOTAL) or {})
    total["rows"] = [{"code": code, "name": name, **one(rows.get(code) or {})} for code, name in names]
    return total


def as_json(figures: dict[str, Any]) -> dict[str, Any]:
    one_window = figures.get("one_window", {})
    names = one_window.get("names", {})
    departments = []
    for code, name in [*names.items(), (TOTAL, _("合计"))]:
        row = dict(one_window.get("rows", {}).get(code) or {})
        rate = row.pop("on_time_rate", -1)
        departments.append({"department": code, "name": name, **row,
                            "on_time_rate": None if rate < 0 else rate_text(rate)})
    closed = figures.get("closed")
    return {
        "region": figures["region"]["code"], "region_name": figures["region"]["name"],
        "month": figures["month"],
        **{key: _programme_json(figures, key)
           for key in ("urban_dibao", "rural_dibao", "tekun", "temporary", "low_income")},
        "one_window": departments,
        "closed": bool(closed), "closed_at": closed["at"] if closed else None,
        "notes": note_texts(figures),
    }
