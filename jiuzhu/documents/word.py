"""Editable Word files (.docx) of documents, with docxtpl and one generic template.

``templates_docs/generic.docx`` is built by ``generic_template_build()`` (python-docx;
``jiuzhu documents_build_docx`` rewrites it) and holds the jinja tags: title, subtitle,
number, a loop over the blocks (headings, paragraphs, tables with row and cell loops,
signatures). Column widths, row heights and cell alignment cannot be expressed by those
tags, so they are applied to the rendered file afterwards, table by table.
"""

from __future__ import annotations

import base64
import binascii
import io
from pathlib import Path
from typing import Any

from docx import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import _Cell
from docxtpl import DocxTemplate, InlineImage, RichText

from .content import IMAGE_PREFIXES, SEAL, Content, Table, render_content
from .specs import TEMPLATES_DIR, DocSpec

GENERIC_TEMPLATE = TEMPLATES_DIR / "generic.docx"
FONT_LATIN = "SimSun"
FONT_EAST_ASIA = "宋体"
TEXT_WIDTH_TWIPS = 9070  # A4 (21 cm) less two 2.5 cm margins = 16 cm
SHADE = "EEEEEE"
STYLE_BY_KIND = {"heading": "JZ Heading", "note": "JZ Note", "plain": "JZ Plain",
                 "text": "JZ Body"}
ALIGN_STYLES = {"right": "JZ Right", "center": "JZ Center"}


# --- the generic template -------------------------------------------------------

def _fonts(style_or_run: Any, size: float | None = None, bold: bool = False) -> None:
    font = style_or_run.font
    font.name = FONT_LATIN
    if size:
        font.size = Pt(size)
    font.bold = bold or None
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attribute), FONT_LATIN)
    rfonts.set(qn("w:eastAsia"), FONT_EAST_ASIA)


def _paragraph_style(doc: Any, name: str, *, size: float = 12, bold: bool = False,
                     align: Any = WD_ALIGN_PARAGRAPH.LEFT, indent_chars: int = 0,
                     before: float = 0, after: float = 0, line: float = 1.5) -> Any:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _fonts(style, size, bold)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = line
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
        ind = style.element.get_or_add_pPr().find(qn("w:ind"))
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    return style


def _field(paragraph: Any, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def generic_template_build(path: Path = GENERIC_TEMPLATE) -> Path:
    """Write the generic Word template (A4, 宋体, page numbers, jinja tags) to ``path``."""
    doc = WordDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    section.header_distance = section.footer_distance = Cm(1.2)
    assert section.start_type == WD_SECTION.NEW_PAGE

    normal = doc.styles["Normal"]
    _fonts(normal, 12)
    normal.paragraph_format.space_after = Pt(0)
    _paragraph_style(doc, "JZ Title", size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                     after=4, line=1.2)
    _paragraph_style(doc, "JZ Subtitle", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    _paragraph_style(doc, "JZ Number", size=11, align=WD_ALIGN_PARAGRAPH.RIGHT, after=8)
    _paragraph_style(doc, "JZ Body", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
    _paragraph_style(doc, "JZ Plain", align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "JZ Right", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(doc, "JZ Center", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, "JZ Heading", size=12.5, bold=True, before=6, after=3)
    note = _paragraph_style(doc, "JZ Note", size=10, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                            line=1.2, before=3)
    note.font.color.rgb = RGBColor(0x3C, 0x3C, 0x3C)
    _paragraph_style(doc, "JZ Cell", size=10.5, line=1.15)
    _paragraph_style(doc, "JZ Party", line=2.0)
    _paragraph_style(doc, "JZ Seal", align=WD_ALIGN_PARAGRAPH.RIGHT, line=1.5)
    header_style = _paragraph_style(doc, "JZ Header", size=8, line=1.0)
    header_style.font.color.rgb = RGBColor(0x6E, 0x6E, 0x6E)
    footer_style = _paragraph_style(doc, "JZ Footer", size=9, align=WD_ALIGN_PARAGRAPH.CENTER,
                                    line=1.0)
    footer_style.font.color.rgb = RGBColor(0x6E, 0x6E, 0x6E)

    header = section.header.paragraphs[0]
    header.style = doc.styles["JZ Header"]
    header.paragraph_format.tab_stops.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT)
    header.add_run("{{ office_name }}\t{{ number }}")
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["JZ Footer"]
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")

    def p(text: str, style: str = "JZ Plain") -> None:
        doc.add_paragraph(text, style=doc.styles[style])

    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._p.getparent().remove(body._p)
    p("{{ title }}", "JZ Title")
    p("{%p if subtitle %}")
    p("{{ subtitle }}", "JZ Subtitle")
    p("{%p endif %}")
    p("{{ number }}", "JZ Number")
    p("{%p for block in blocks %}")
    p('{%p if block.kind == "table" %}')
    table = doc.add_table(rows=3, cols=3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    loop_cells = [["{%tr for row in block.rows %}", "", ""],
                  ["{%tc for cell in row %}",
                   "{% colspan cell.span %}{% cellbg cell.fill %}{{r cell.text }}",
                   "{%tc endfor %}"],
                  ["{%tr endfor %}", "", ""]]
    for row, texts in zip(table.rows, loop_cells, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.paragraphs[0].style = doc.styles["JZ Cell"]
            cell.paragraphs[0].add_run(text)
            if text.endswith("{{r cell.text }}"):  # a drawn signature after the text
                cell.paragraphs[0].add_run("{{ cell.image }}")
    p('{%p elif block.kind == "signature" %}')
    p("{%p for party in block.parties %}")
    party = doc.add_paragraph("{{ party.text }}", style=doc.styles["JZ Party"])
    party.add_run("{{ party.image }}")  # the party's drawn signature, "" for none
    p("{%p endfor %}")
    p("{%p if block.seal %}")
    p("{{ block.seal }}" + SEAL, "JZ Seal")
    p("{%p endif %}")
    p("{%p if block.date %}")
    p("{{ block.date }}", "JZ Seal")
    p("{%p endif %}")
    p('{%p elif block.kind == "images" %}')
    p("{% for picture in block.pictures %}{{ picture }} {% endfor %}", "JZ Plain")
    p("{{ block.text }}", "JZ Note")
    p('{%p elif block.kind == "page_break" %}')
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    p('{%p elif block.kind == "space" %}')
    p("")
    for style in ("JZ Heading", "JZ Plain", "JZ Right", "JZ Center", "JZ Note"):
        p(f'{{%p elif block.style == "{style}" %}}')
        p("{{ block.text }}", style)
    p("{%p else %}")
    p("{{ block.text }}", "JZ Body")
    p("{%p endif %}")
    p("{%p endfor %}")
    doc.core_properties.title = "{{ title }}"
    doc.core_properties.author = "{{ office_name }}"
    doc.core_properties.comments = "救助 Jiuzhu 法律文书通用模板（docxtpl）"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# --- rendering ------------------------------------------------------------------

#: The width of a drawn signature in the Word file (the PDF's is 45 mm at most on a line).
SIGNATURE_WIDTH = Cm(3)
#: The width of a photo thumbnail (D06's 现场照片).
PHOTO_WIDTH = Cm(4)


def _picture(template: DocxTemplate, data_uri: str, width: Any) -> InlineImage | str:
    """A ``data:image/png;base64,…`` (or JPEG) picture as docxtpl places it, "" when
    there is none or it cannot be read (the line stays to sign by hand)."""
    if not data_uri:
        return ""
    prefix = next((p for p in IMAGE_PREFIXES if data_uri.startswith(p)), None)
    if prefix is None:
        return ""
    try:
        data = base64.b64decode(data_uri[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        return ""
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return ""
    return InlineImage(template, image_descriptor=io.BytesIO(data), width=width)


def _word_block(block: Any, template: DocxTemplate) -> dict[str, Any]:
    if block.kind == "table" and block.table:
        rows = []
        for row in block.table.rows:
            rows.append([{"text": RichText(c.text, bold=row.header), "span": c.span,
                          "fill": SHADE if c.shaded else "FFFFFF",
                          "image": _picture(template, c.image, SIGNATURE_WIDTH)}
                         for c in row.cells])
        return {"kind": "table", "rows": rows}
    if block.kind == "signature" and block.signature:
        sig = block.signature
        images = sig.images or ("",) * len(sig.parties)
        parties = [{"text": text, "image": _picture(template, image, SIGNATURE_WIDTH)}
                   for text, image in zip(sig.parties, images, strict=False)]
        return {"kind": "signature", "parties": parties, "seal": sig.seal, "date": sig.date}
    if block.kind == "images" and block.images:
        pictures = [_picture(template, image, PHOTO_WIDTH) for image, _caption in block.images]
        return {"kind": "images", "pictures": [p for p in pictures if p], "text": block.text}
    if block.kind in ("page_break", "space"):
        return {"kind": block.kind}
    style = STYLE_BY_KIND.get(block.kind, "JZ Body")
    if block.kind in ("text", "plain") and block.align in ALIGN_STYLES:
        style = ALIGN_STYLES[block.align]
    return {"kind": block.kind, "text": block.text, "style": style}


# The order WordprocessingML requires inside a cell's properties; docxtpl's colspan and
# cellbg tags insert theirs at the front, which Word may refuse.
TC_PR_ORDER = ["tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark"]


def _set_width(tc: Any, twips: int) -> None:
    tc_pr = tc.get_or_add_tcPr()
    width = tc_pr.find(qn("w:tcW"))
    if width is None:
        width = OxmlElement("w:tcW")
        tc_pr.append(width)
    width.set(qn("w:w"), str(twips))
    width.set(qn("w:type"), "dxa")
    children = sorted(tc_pr, key=lambda e: TC_PR_ORDER.index(e.tag.split("}")[1])
                      if e.tag.split("}")[1] in TC_PR_ORDER else len(TC_PR_ORDER))
    for child in children:
        tc_pr.append(child)  # re-appending moves it: the children end up in schema order


def _apply_table_layout(word_table: Any, table: Table) -> None:
    tbl = word_table._tbl
    widths = [round(w * TEXT_WIDTH_TWIPS) for w in table.widths]
    grid = tbl.tblGrid
    for column in list(grid):
        grid.remove(column)
    for twips in widths:
        column = OxmlElement("w:gridCol")
        column.set(qn("w:w"), str(twips))
        grid.append(column)
    word_table.autofit = False
    table_width = tbl.tblPr.find(qn("w:tblW"))
    if table_width is not None:
        table_width.set(qn("w:w"), str(sum(widths)))
        table_width.set(qn("w:type"), "dxa")
    for word_row, row in zip(word_table.rows, table.rows, strict=False):
        column = 0
        for tc, cell in zip(word_row._tr.tc_lst, row.cells, strict=False):
            _set_width(tc, sum(widths[column:column + cell.span]))
            column += cell.span
            if row.header or (cell.shaded and cell.span == 1 and len(cell.text) <= 8):
                for paragraph in _Cell(tc, word_table).paragraphs:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if row.height:
            word_row.height = Mm(row.height)
            word_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        if row.header:
            tr_pr = word_row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))


def content_docx(content: Content) -> bytes:
    """The .docx bytes of already rendered content."""
    template = DocxTemplate(str(GENERIC_TEMPLATE))
    blocks = [_word_block(b, template) for b in content.blocks]
    template.render({
        "title": content.title, "subtitle": content.subtitle, "number": content.number,
        "office_name": content.office_name, "blocks": blocks,
    }, autoescape=True)
    first = io.BytesIO()
    template.save(first)
    document = WordDocument(io.BytesIO(first.getvalue()))
    tables = [b.table for b in content.blocks if b.kind == "table" and b.table]
    for word_table, table in zip(document.tables, tables, strict=False):
        _apply_table_layout(word_table, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(doc_spec: DocSpec, context: dict[str, Any]) -> bytes:
    """A Word file of ``doc_spec`` filled with ``context`` (missing fields left blank)."""
    return content_docx(render_content(doc_spec, context))


def docx_text(data: bytes) -> str:
    """All the text of a .docx (paragraphs, tables, header), for checks and tests."""
    document = WordDocument(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)
