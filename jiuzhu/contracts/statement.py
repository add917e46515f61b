"""The settlement statement (结算单) as rows for Excel and as an A4 PDF through the
documents app's layout (like ``jiuzhu/intake/receipt.py``): each household once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jiuzhu.documents.content import Block, Cell, Content, Row, Signature, Table
from jiuzhu.documents.pdf import content_pdf
from jiuzhu.rules.money import format_fen

from .models import Settlement
from .selectors import StatementRow

STATEMENT_HEADERS = ("序号", "申请编号", "户主", "村（社区）", "验收日期", "退回重做次数", "金额（元）")


def settlement_rows(settlement: Settlement, rows: list[StatementRow]) -> Iterator[list[Any]]:
    for index, row in enumerate(rows, start=1):
        yield [index, row.number, row.head_name, row.village,
               row.accepted_on.isoformat() if row.accepted_on else "", row.returns,
               format_fen(row.price_fen)]


def settlement_content(settlement: Settlement, rows: list[StatementRow]) -> Content:
    contract = settlement.contract
    table = [Row(tuple(Cell(h, shaded=True) for h in STATEMENT_HEADERS), header=True)]
    for values in settlement_rows(settlement, rows):
        table.append(Row(tuple(Cell(str(v)) for v in values)))
    blocks = [
        Block("plain", f"合同编号：{contract.number}　调查机构：{contract.organisation.name}"),
        Block("plain", f"结算期：{settlement.period_start.isoformat()} 至 "
                       f"{settlement.period_end.isoformat()}　每户价格：{format_fen(settlement.price_fen)} 元"),
        Block("plain", f"验收户数：{settlement.accepted_count} 户　结算金额："
                       f"{format_fen(settlement.amount_fen)} 元"),
        Block("plain", f"期初预付款余额：{format_fen(settlement.advance_before_fen)} 元　抵扣预付款："
                       f"{format_fen(settlement.advance_applied_fen)} 元　期末余额："
                       f"{format_fen(settlement.advance_after_fen)} 元"),
        Block("plain", f"应付机构：{format_fen(settlement.due_fen)} 元　应退回："
                       f"{format_fen(settlement.refund_fen)} 元"),
        Block("table", table=Table(rows=tuple(table),
                                   widths=(0.07, 0.2, 0.14, 0.2, 0.15, 0.12, 0.12))),
        Block("note", "每户只列一次；退回重做的报告不重复计费；已结算的调查已锁定。"),
        Block("signature", signature=Signature(
            parties=("购买方（签章）：＿＿＿＿＿＿", "服务机构（签章）：＿＿＿＿＿＿"),
            seal=contract.region.name, date=settlement.period_end.strftime("%Y年%m月%d日"))),
    ]
    return Content(code="JS", title="政府购买家境调查服务结算单", subtitle="",
                   number=f"{contract.number}-{settlement.pk}",
                   office_name=f"{contract.region.name}民政部门", blocks=blocks,
                   template="contracts/settlement")


def settlement_pdf(settlement: Settlement, rows: list[StatementRow]) -> bytes:
    return content_pdf(settlement_content(settlement, rows))
