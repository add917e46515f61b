"""The whole handbook (口袋书) as document content for ``jiuzhu.documents.pdf.content_pdf``:
per department a heading, per item a table of its facts and its texts as paragraphs."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiuzhu.documents.content import Block, Cell, Content, Row, Table

from .models import Item
from .selectors import grouped_by_department, item_figures

CHINESE_NUMBERS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    if n < 20:
        return "十" + CHINESE_NUMBERS[n - 11]
    tens, units = divmod(n, 10)
    return CHINESE_NUMBERS[tens - 1] + "十" + (CHINESE_NUMBERS[units - 1] if units else "")


def _facts(item: Item) -> Table:
    label: dict[str, Any] = {"shaded": True}
    rows = (
        Row(cells=(Cell("办理部门", **label), Cell(item.department.name),
                   Cell("办理层级", **label), Cell(item.get_level_display()))),
        Row(cells=(Cell("办理时限", **label), Cell(f"{item.limit} 个工作日"),
                   Cell("版本日期", **label), Cell(item.valid_from.isoformat()))),
        Row(cells=(Cell("申请材料", **label),
                   Cell("；".join(f"{n}. {m}" for n, m in enumerate(item.materials, 1))
                        or "无需书面材料", span=3))),
    )
    return Table(rows=rows, widths=(0.16, 0.34, 0.16, 0.34))


def item_blocks(item: Item, figures: list[dict[str, str]]) -> list[Block]:
    blocks = [Block(kind="heading", text=f"{item.code}　{item.name}"),
              Block(kind="table", table=_facts(item))]
    if item.conditions:
        blocks.append(Block(kind="plain", text=f"【申请条件】{item.conditions}"))
    if figures:
        text = "；".join(f"{f['description']}：{f['value']} {f['unit']}（{f['effective']} 起）"
                         for f in figures)
        blocks.append(Block(kind="plain", text=f"【现行标准】{text}"))
    if item.process:
        blocks.append(Block(kind="plain", text="【办理流程】"))
        blocks += [Block(kind="plain", text=line.strip())
                   for line in item.process.splitlines() if line.strip()]
    if item.policy:
        blocks.append(Block(kind="note", text=f"政策依据：{item.policy}"))
    return blocks


def handbook_content(items: list[Item], *, county: str, on: date) -> Content:
    blocks: list[Block] = []
    for n, (department, rows) in enumerate(grouped_by_department(items), start=1):
        if n > 1:
            blocks.append(Block(kind="space", lines=0.5))
        blocks.append(Block(kind="heading", text=f"{_ordinal(n)}、{department.name}（{len(rows)} 项）",
                            align="center"))
        for item in rows:
            blocks += item_blocks(item, item_figures(item, county, on))
    return Content(code="handbook", title="社会救助政策口袋书",
                   subtitle=f"政策清单 {on.isoformat()} 现行 · 共 {len(items)} 项",
                   number="", office_name="全科社工口袋书", blocks=blocks,
                   template="")
