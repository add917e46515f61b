"""The receipt (受理回执) as an A4 PDF, through the documents app's PDF layout."""

from __future__ import annotations

from jiuzhu.documents.content import Block, Cell, Content, Row, Signature, Table
from jiuzhu.documents.pdf import content_pdf

from .deadlines import PROVISIONAL_NOTE, any_provisional, request_deadlines
from .models import Request
from .selectors import mask_name


def receipt_content(request: Request) -> Content:
    header = Row(tuple(Cell(t, shaded=True) for t in ("事项", "承办部门", "办理方式", "办结期限",
                                                       "当前环节", "已收材料")), header=True)
    rows = [header]
    deadlines = request_deadlines(request)
    for row in deadlines:
        item = row.item
        final = f"{row.final_label} {row.final_display}" if row.decided else row.final_display
        rows.append(Row((Cell(f"{item.item_code} {item.item_name}"),
                         Cell(item.item.department.name), Cell(item.get_mode_display()),
                         Cell(final), Cell(row.step_display),
                         Cell("、".join(row.received) or "—"))))
    blocks = [
        Block("plain", f"受理编号：{request.number}"),
        Block("plain", f"查询码：{request.query_code}（凭此码和申请人身份证号码后 4 位查询办理进度）"),
        Block("plain", f"申请人：{mask_name(request.applicant_name)}"
                       f"　受理日期：{request.received_on.isoformat()}"
                       f"　渠道：{request.get_channel_display()}"),
        Block("table", table=Table(rows=tuple(rows), widths=(0.2, 0.12, 0.1, 0.16, 0.17, 0.25))),
    ]
    missing = [r for r in deadlines if r.missing]
    if missing:
        blocks.append(Block("heading", "一次性告知：请补齐以下材料"))
        for row in missing:
            due = f"，请于 {row.missing_due_display} 前补齐" if row.missing_due else ""
            blocks.append(Block("plain", f"{row.item.item_code} {row.item.item_name}："
                                         f"{'、'.join(row.missing)}{due}。"))
        blocks.append(Block("note", "平台办理的事项逾期未补齐材料的，视为撤回申请；"
                                    "材料补齐受理后，办结期限自受理之日起计算。"))
    blocks.append(Block("note", "办理期限按工作日计算（节假日按官方日历顺延）。"
                                "平台办理的事项以其申请的办结期限为准。"))
    if any_provisional(deadlines):
        blocks.append(Block("note", PROVISIONAL_NOTE))
    blocks += [
        Block("signature", signature=Signature(parties=("经办人（签字）：＿＿＿＿＿＿",),
                                               seal=request.region.name,
                                               date=request.received_on.strftime("%Y年%m月%d日"))),
    ]
    return Content(code="SL", title="一门受理回执", subtitle="", number=request.number,
                   office_name=f"{request.region.name}社会救助一门受理窗口", blocks=blocks,
                   template="intake/receipt")


def receipt_pdf(request: Request) -> bytes:
    return content_pdf(receipt_content(request))
