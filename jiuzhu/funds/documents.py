"""The funds' PDFs through the documents app's layout: the donor acknowledgement
(捐赠确认书) of a donation, and a fund's statement (收支报表) for a period."""

from __future__ import annotations

from django.utils import timezone

from jiuzhu.documents.content import Block, Cell, Content, Row, Signature, Table
from jiuzhu.documents.pdf import content_pdf
from jiuzhu.documents.text_filters import rmb_upper
from jiuzhu.rules.money import format_fen

from .models import LedgerEntry
from .present import statement_rows, yuan
from .selectors import Statement


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def acknowledgement_content(entry: LedgerEntry) -> Content:
    """捐赠确认书 of a donation entry."""
    fund = entry.fund
    amount = yuan(entry.amount_fen)
    rows = (
        Row((Cell("捐赠人", shaded=True), Cell(entry.donor, span=3))),
        Row((Cell("捐赠金额", shaded=True), Cell(f"人民币 {amount} 元（{rmb_upper(format_fen(entry.amount_fen))}）",
                                               span=3))),
        Row((Cell("到账日期", shaded=True), Cell(_cn(entry.on)),
             Cell("收据号", shaded=True), Cell(entry.receipt_number))),
        Row((Cell("受赠基金", shaded=True), Cell(fund.name),
             Cell("凭证号", shaded=True), Cell(entry.voucher))),
    )
    blocks = [
        Block("text", f"{entry.donor}：", align="left"),
        Block("text", f"感谢您向{fund.name}捐赠人民币 {amount} 元。款项已于{_cn(entry.on)}到账，"
                      "将全部用于对遭遇突发性、紧迫性、临时性生活困难群众的急难救助。"),
        Block("table", table=Table(rows=rows, widths=(0.18, 0.37, 0.15, 0.30))),
        Block("note", "本确认书与捐赠收据一并保存；捐赠款的使用情况按规定向社会公开。"),
        Block("signature", signature=Signature(
            parties=(), seal=f"{fund.region.name}民政局",
            date=_cn(timezone.localdate()))),
    ]
    return Content(code="JZQR", title="捐赠确认书", subtitle="", number=entry.receipt_number,
                   office_name=f"{fund.region.name}民政局", blocks=blocks,
                   template="funds/acknowledgement")


def acknowledgement_pdf(entry: LedgerEntry) -> bytes:
    return content_pdf(acknowledgement_content(entry))


def statement_content(result: Statement) -> Content:
    fund = result.fund
    header = Row((Cell("项目", shaded=True), Cell("明细", shaded=True),
                  Cell("金额（元）", shaded=True)), header=True)
    rows = [header] + [Row((Cell(section), Cell(item), Cell(yuan(fen))))
                       for section, item, fen in statement_rows(result)]
    blocks = [
        Block("plain", f"基金：{fund.name}　期间：{result.start.isoformat()} 至 "
                       f"{result.end.isoformat()}"),
        Block("table", table=Table(rows=tuple(rows), widths=(0.25, 0.45, 0.30))),
        Block("note", "期末余额 = 期初余额 + 收入 + 追回 − 划拨 − 支付；"
                      "期末可用余额 = 期末余额 − 未支付的预留。冲销分录以负数计入原类别。"),
        Block("signature", signature=Signature(
            parties=("制表人：＿＿＿＿＿＿", "审核人：＿＿＿＿＿＿"), seal="",
            date=_cn(timezone.localdate()))),
    ]
    return Content(code="JJBB", title="救急难基金收支报表", subtitle="", number="",
                   office_name=f"{fund.region.name}民政局", blocks=blocks,
                   template="funds/statement")


def statement_pdf(result: Statement) -> bytes:
    return content_pdf(statement_content(result))
