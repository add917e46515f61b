"""Words and numbers of the funds as people read them: yuan with thousands separators,
Chinese labels of sources, levels and kinds, the statement's rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiuzhu.rules.money import format_fen

from .choices import EntryKind, HelpLevel, IncomeSource
from .models import LedgerEntry
from .selectors import Statement


def yuan(fen: int | None) -> str:
    """``1234567`` → ``"12,345.67"``."""
    if fen is None:
        return ""
    text = format_fen(fen)
    sign = "-" if text.startswith("-") else ""
    whole, cents = text.lstrip("-").split(".")
    return f"{sign}{int(whole):,}.{cents}"


def who(user: Any) -> str:
    """A user's full name (or account), 系统 for an entry written by the platform."""
    if user is None:
        return _("系统")
    return getattr(user, "full_name", "") or getattr(user, "username", "")


def entry_kind_text(entry: LedgerEntry) -> str:
    label = str(EntryKind(entry.kind).label)
    if entry.kind == EntryKind.INCOME and entry.source:
        label = f"{label}·{IncomeSource(entry.source).label}"
    if entry.reverses_id:
        label = _("冲销%(kind)s") % {"kind": label}
    return label


def level_text(level: str) -> str:
    return str(HelpLevel(level).label) if level in HelpLevel.values else _("未分级")


def statement_rows(result: Statement) -> list[tuple[str, str, int]]:
    """(section, item, fen) rows of the statement, in the order of the table, the Excel
    sheet and the PDF."""
    rows: list[tuple[str, str, int]] = [(_("期初余额"), "", result.opening_fen)]
    for source, fen in result.income_by_source.items():
        rows.append((_("收入"), str(IncomeSource(source).label), fen))
    rows.append((_("收入"), _("小计"), result.income_fen))
    rows.append((_("追回"), "", result.recovery_fen))
    for target, fen in result.allocations:
        rows.append((_("划拨"), target, fen))
    rows.append((_("划拨"), _("小计"), result.allocation_fen))
    for town, level, fen in result.payments:
        rows.append((_("支付"), f"{town or _('未指明乡镇')}·{level_text(level)}", fen))
    rows.append((_("支付"), _("小计"), result.payment_fen))
    rows.append((_("期末余额"), "", result.closing_fen))
    rows.append((_("未支付的预留"), _("%(n)s 笔") % {"n": result.open_commitment_count},
                 result.open_commitment_fen))
    rows.append((_("期末可用余额"), "", result.closing_fen - result.open_commitment_fen))
    return rows


def chart_data(result: Statement) -> dict[str, Any]:
    """What the statement page's ECharts draws: income by source, payments by township."""
    towns: dict[str, int] = {}
    for town, _level, fen in result.payments:
        towns[town or _("未指明乡镇")] = towns.get(town or _("未指明乡镇"), 0) + fen
    return {
        "income": [{"name": str(IncomeSource(s).label), "value": fen / 100}
                   for s, fen in result.income_by_source.items() if fen],
        "towns": list(towns), "payments": [fen / 100 for fen in towns.values()],
        "labels": {"income": _("收入来源"), "payments": _("各乡镇支付（元）")},
    }
