"""A4 PDF of a document (fpdf2), with the embedded Noto Serif SC subset.

A character outside that subset (a name in CJK Extension A or B, such as 䶮 or 𠮷) is
printed from a fallback font (花园明朝 HanaMinA/HanaMinB, subset to those ranges), added to
a document only when its text needs it: fpdf2 subsets every font at output, so a document
embeds just the glyphs it uses, and a document without rare characters embeds no fallback.

Chinese paragraphs are broken and justified here rather than by fpdf2, which only
stretches spaces: lines break between any two Han characters (never before a closing
or after an opening punctuation mark, 避头尾), keep Latin words and numbers whole, and
every line but a paragraph's last is stretched to the full width with character spacing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode, TextMode, WrapMode
from fpdf.fonts import FontFace

from .content import SEAL, Block, Content, Signature, Table, render_content
from .specs import DocSpec

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSerifSC-Regular-GBK.ttf"
FONT = "NotoSerifSC"
#: The fallback fonts: 花园明朝 (HanaMinA/B) for CJK Extension A and B, the radicals and
#: the compatibility ideographs, split into files of 2,048 code points each
#: (``HanaMin-XXXXX.ttf`` holds XXXXX..XXXXX+7FF) so that a document loads only the
#: few hundred kilobytes it needs (a whole 22 MB font takes 1.3 s to parse).
FALLBACK_DIR = Path(__file__).parent / "fonts" / "fallback"
FALLBACK_SPAN = 0x800
MARGIN = 25.0  # mm
BODY_PT = 12.0  # 小四
TABLE_PT = 10.5  # 五号
LINE = 7.0  # mm, body line pitch
SHADE = (238, 238, 238)
GREY = (110, 110, 110)
NO_LINE_START = set("，。、；：？！）」』】〕》〉”’…—·％,.;:?!)]}%")
NO_LINE_END = set("（「『【〔《〈“‘([{")
# A Latin word or number is kept whole, except after a hyphen (DB-990102-2026-0042).
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/@%*+_]*-?|\s|.")
# Characters outside the GBK subset that documents meet, and what to print instead;
# anything else missing prints as 〓 (the customary mark for an unavailable character).
SUBSTITUTES = {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2013": "-",
               "\u2610": "□", "\u2611": "■", "\u2612": "■", "\u2713": "√", "\u2714": "√",
               "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": ""}
UNAVAILABLE = "〓"


@lru_cache(maxsize=1)
def font_characters() -> frozenset[int]:
    font = TTFont(str(FONT_FILE), lazy=True)
    return frozenset(font.getBestCmap())


def fallback_family(code: int) -> str:
    """The fallback font family that would hold the character ``code``."""
    return f"HanaMin{code - code % FALLBACK_SPAN:05X}"


def fallback_file(family: str) -> Path:
    return FALLBACK_DIR / f"HanaMin-{family.removeprefix('HanaMin')}.ttf"


@cache
def fallback_characters(family: str) -> frozenset[int]:
    path = fallback_file(family)
    if not path.exists():
        return frozenset()
    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


def in_fallback(code: int) -> bool:
    return code >= 0x2E80 and code in fallback_characters(fallback_family(code))


def fallbacks_needed(text: str) -> list[str]:
    """The fallback font families ``text`` (already printable) needs, in code order."""
    main = font_characters()
    return sorted({fallback_family(ord(c)) for c in text
                   if ord(c) not in main and in_fallback(ord(c))})


def printable(text: str) -> str:
    """``text`` with every character that no font (the embedded one or a fallback) has
    replaced (see SUBSTITUTES)."""
    main = font_characters()
    if all(ord(c) in main or c in "\n\r\t" for c in text):
        return text

    def known(code: int) -> bool:
        return code in main or in_fallback(code)

    out = []
    for char in text:
        if known(ord(char)) or char in "\n\r\t":
            out.append(char)
        elif char in SUBSTITUTES:
            out.append(SUBSTITUTES[char])
        else:
            folded = unicodedata.normalize("NFKC", char)
            out.append(folded if all(known(ord(c)) for c in folded) else UNAVAILABLE)
    return "".join(out)


class _DocumentPdf(FPDF):
    def __init__(self, content: Content, breaks: frozenset[int] = frozenset(),
                 reuse: _DocumentPdf | None = None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.content = content
        self.breaks = breaks  # blocks to start on a new page (see content_pdf)
        self.lonely_signatures: list[int] = []
        self.fallbacks: list[str] = []
        if reuse is not None:
            # A layout that was never output has not subset its font: take it over
            # rather than parse the font file again (most of the time of a render).
            font = self.fonts[FONT.lower()] = reuse.fonts[FONT.lower()]
            if getattr(font, "is_cff", False) and getattr(font, "is_cid_keyed", False):
                self._set_min_pdf_version("1.6")
            for family in reuse.fallbacks:
                self.fonts[family.lower()] = reuse.fonts[family.lower()]
            if reuse.fallbacks:
                self.fallbacks = list(reuse.fallbacks)
                self.set_fallback_fonts(self.fallbacks)
        else:
            self.add_font(FONT, fname=str(FONT_FILE))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=22)
        self.alias_nb_pages()
        self.set_lang("zh-CN")

    def normalize_text(self, text: str) -> str:
        text = printable(text)
        self.use_fallbacks(text)
        return super().normalize_text(text)

    def use_fallbacks(self, text: str) -> None:
        """Add the fallback fonts ``text`` needs, the first time one is needed."""
        main = font_characters()
        if all(ord(c) in main for c in text):
            return
        added = False
        for family in fallbacks_needed(text):
            if family not in self.fallbacks:
                self.add_font(family, fname=str(fallback_file(family)))
                self.fallbacks.append(family)
                added = True
        if added:
            self.set_fallback_fonts(self.fallbacks)

    def header(self) -> None:
        self.set_y(12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(self.epw / 2, 5, self.content.office_name, align="L")
        self.cell(self.epw / 2, 5, self.content.number, align="R")
        self.set_draw_color(*GREY)
        self.set_line_width(0.15)
        self.line(MARGIN, 17.5, self.w - MARGIN, 17.5)
        self.set_text_color(0)
        self.set_draw_color(0)
        self.set_y(MARGIN)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=9)
        self.set_text_color(*GREY)
        self.cell(0, 6, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")
        self.set_text_color(0)

    # --- text -------------------------------------------------------------------
    def bold(self):
        """The font has no bold face: stroke the glyphs as well (仿粗体), inside a saved
        graphics state, because fpdf2 does not reset the text rendering mode after."""
        return self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.2)

    def break_lines(self, text: str, first: float, rest: float) -> list[str]:
        tokens = _TOKEN.findall(text)
        lines: list[list[str]] = []
        current: list[str] = []
        width, available = 0.0, first
        for token in tokens:
            token_width = self.get_string_width(token)
            if token_width > rest:  # a Latin word longer than a line: split it
                for char in token:
                    current, width, available = self._add(lines, current, width, available,
                                                           char, rest)
                continue
            current, width, available = self._add(lines, current, width, available,
                                                  token, rest)
        lines.append(current)
        return ["".join(line).strip() for line in lines]

    def _add(self, lines: list[list[str]], current: list[str], width: float,
             available: float, token: str, rest: float) -> tuple[list[str], float, float]:
        token_width = self.get_string_width(token)
        if current and width + token_width > available + 0.01:
            carry: list[str] = []
            if token in NO_LINE_START and len(current) > 1:
                carry.insert(0, current.pop())
            while len(current) > 1 and current[-1] in NO_LINE_END:
                carry.insert(0, current.pop())
            lines.append(current)
            current, available = carry, rest
            width = sum(self.get_string_width(t) for t in current)
            if token.isspace() and not current:
                return current, width, available
        current.append(token)
        return current, width + token_width, available

    def wrap(self, text: str, width: float) -> str:
        """Cell text with our own line breaks (fpdf2 would break before a comma)."""
        return "\n".join(line for part in text.split("\n")
                         for line in self.break_lines(part, width, width))

    def paragraph(self, text: str, *, size: float = BODY_PT, indent: bool = True,
                  align: str = "justify", pitch: float = LINE) -> None:
        self.set_font(FONT, size=size)
        em = size / self.k
        first_indent = 2 * em if indent else 0.0
        lines = self.break_lines(text, self.epw - first_indent, self.epw)
        fits = int((self.page_break_trigger - self.get_y()) // pitch)
        early = None  # no single first line at a page's foot, no single last line at its head
        if 0 < fits < len(lines):
            if fits == 1:
                early = 0
            elif len(lines) - fits == 1:
                early = fits - 1 if fits > 2 else 0
        for index, line in enumerate(lines):
            if index == early or self.will_page_break(pitch):
                self.add_page()
            x = MARGIN + (first_indent if index == 0 else 0)
            width = self.epw - (first_indent if index == 0 else 0)
            last = index == len(lines) - 1
            self._line(line, x, width, pitch, align, justify=align == "justify" and not last)

    def _line(self, text: str, x: float, width: float, pitch: float, align: str,
              justify: bool) -> None:
        natural = self.get_string_width(text)
        spacing = 0.0
        if justify and len(text) > 1 and natural < width:
            spacing = (width - natural) / (len(text) - 1)
            if spacing > self.font_size * 0.35:  # a very short line: do not spread it out
                spacing = 0.0
        self.set_char_spacing(spacing * self.k)
        self.set_x(x)
        cell_align = {"right": Align.R, "center": Align.C}.get(align, Align.L)
        self.cell(width + spacing, pitch, text, align=cell_align, new_x="LMARGIN",
                  new_y="NEXT")
        self.set_char_spacing(0)

    # --- blocks -----------------------------------------------------------------
    def title_block(self) -> None:
        content = self.content
        self.set_font(FONT, size=20)
        with self.bold():
            self.set_char_spacing(6 if len(content.title) <= 5 else 0)
            self.multi_cell(0, 11, content.title, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_char_spacing(0)
        if content.subtitle:
            self.set_font(FONT, size=13)
            self.multi_cell(0, 7, content.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(FONT, size=11)
        self.cell(0, 7, content.number, align="R", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def block(self, block: Block, index: int) -> None:
        if index in self.breaks and self.get_y() > MARGIN + 1:
            self.add_page()
        if block.kind == "text":
            self.paragraph(block.text, align=block.align)
            self.ln(0.6)
        elif block.kind == "plain":
            self.paragraph(block.text, indent=False, align=block.align)
            self.ln(0.6)
        elif block.kind == "heading":
            self.ln(1.5)
            if self.will_page_break(LINE * 3):  # keep a heading with what follows
                self.add_page()
            with self.bold():
                self.paragraph(block.text, size=12.5, indent=False, align=block.align)
            self.ln(0.5)
        elif block.kind == "note":
            self.set_text_color(60)
            self.paragraph(block.text, size=10, indent=False, align=block.align, pitch=5.6)
            self.set_text_color(0)
            self.ln(0.6)
        elif block.kind == "table" and block.table:
            self.table_block(block.table)
        elif block.kind == "signature" and block.signature:
            self.signature_block(block.signature, index)
        elif block.kind == "images" and block.images:
            _images_block(self, block)
        elif block.kind == "page_break":
            self.add_page()
        elif block.kind == "space":
            self.ln(block.lines * LINE)

    def table_block(self, table: Table) -> None:
        self.set_font(FONT, size=TABLE_PT)
        self.set_line_width(0.25)
        self.ln(1)
        headers = table.header_rows
        padding = 1.8
        with self.table(
            width=self.epw,
            col_widths=[w * 100 for w in table.widths],
            text_align="LEFT",
            line_height=5.4,
            first_row_as_headings=headers > 0,
            num_heading_rows=headers,
            headings_style=FontFace(emphasis="", fill_color=SHADE),
            wrapmode=WrapMode.CHAR,
            padding=(1.4, padding),
            v_align="MIDDLE",
            cell_fill_mode=TableCellFillMode.NONE,
        ) as pdf_table:
            for row in table.rows:
                pdf_row = pdf_table.row(min_height=row.height)
                column = 0
                for cell in row.cells:
                    width = self.epw * sum(table.widths[column:column + cell.span]) - 2 * padding
                    column += cell.span
                    style = FontFace(fill_color=SHADE) if cell.shaded else None
                    if cell.image:  # fpdf2 takes an image or a text in a cell, not both
                        pdf_row.cell(img=cell.image, colspan=cell.span, style=style)
                        continue
                    centred = row.header or (cell.shaded and cell.span == 1 and len(cell.text) <= 8)
                    pdf_row.cell(self.wrap(cell.text, width - 0.5), colspan=cell.span, style=style,
                                 align="CENTER" if centred else None)
        self.ln(3)

    def note_height(self, text: str) -> float:
        self.set_font(FONT, size=10)
        lines = -(-self.get_string_width(text) // self.epw) or 1
        return lines * 5.6 + 0.6

    def signature_block(self, signature: Signature, index: int) -> None:
        # The notes printed right after the seal (一式两份…) stay on its page.
        following = 0.0
        for block in self.content.blocks[index + 1:]:
            if block.kind != "note":
                break
            following += self.note_height(block.text)
        self.set_font(FONT, size=BODY_PT)
        needed = following + LINE * (0.6 + 1.5 * len(signature.parties)
                                     + (0.8 if signature.seal else 0)
                                     + bool(signature.seal) + bool(signature.date))
        if self.will_page_break(needed):
            self.add_page()
            self.lonely_signatures.append(index)
        self.set_font(FONT, size=BODY_PT)
        self.ln(LINE * 0.6)
        images = signature.images or ("",) * len(signature.parties)
        for party, image in zip(signature.parties, images, strict=False):
            if image:
                self.signed_line(party, image)
            else:
                self.paragraph(party, indent=False, align="left", pitch=LINE * 1.5)
        if not signature.seal and not signature.date:
            return
        self.ln(LINE * 0.8)
        seal = f"{signature.seal}{SEAL}" if signature.seal else ""
        block_width = max(self.get_string_width(seal), self.get_string_width(signature.date))
        x = self.w - MARGIN - block_width - 2 * BODY_PT / self.k
        if seal:
            self.set_x(x)
            self.cell(block_width, LINE, seal, align="C", new_x="LMARGIN", new_y="NEXT")
        if signature.date:
            self.set_x(x)
            self.cell(block_width, LINE, signature.date, align="C", new_x="LMARGIN",
                      new_y="NEXT")

    def signed_line(self, label: str, image: str) -> None:
        """A party's line with its drawn signature: the label, then the image on the line
        (at most 14 mm high, 45 mm wide), underlined like the blank it replaces."""
        height = LINE * 1.5
        y = self.get_y()
        self.set_x(MARGIN)
        self.cell(self.get_string_width(label) + 1, height, label)
        x = self.get_x()
        info = self.image(image, x=x, y=y - 3, w=45, h=height + 3, keep_aspect_ratio=True)
        width = max(float(getattr(info, "rendered_width", 0) or 45), 30.0)
        self.set_line_width(0.2)
        self.line(x, y + height - 1.5, x + width, y + height - 1.5)
        self.set_xy(MARGIN, y + height)


def _image_size(data_uri: str) -> tuple[int, int] | None:
    """(width, height) in pixels of a ``data:image/…;base64,`` picture, None if unreadable."""
    import base64
    import binascii
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))) as picture:
            return picture.size
    except (IndexError, ValueError, binascii.Error, OSError, UnidentifiedImageError):
        return None


def _images_block(pdf: _DocumentPdf, block: Block) -> None:
    """Thumbnails (photos, a neighbour's signature) in rows, ``block.height`` mm high and
    as wide as their aspect ratio (at most half the text width), each with its caption."""
    height = block.height or 40.0
    caption_pt, gap = 9.0, 4.0
    pdf.ln(1.5)
    x, y = MARGIN, pdf.get_y()
    for image, caption in block.images:
        size = _image_size(image)
        ratio = size[0] / size[1] if size and size[1] else 1.0
        width = min(height * ratio, pdf.epw / 2)
        if x > MARGIN and x + width > MARGIN + pdf.epw:
            x, y = MARGIN, y + height + 7
        if y + height + 7 > pdf.page_break_trigger:
            pdf.add_page()
            x, y = MARGIN, pdf.get_y()
        if size is not None:  # an unreadable picture leaves its caption only
            pdf.image(image, x=x, y=y, w=width, h=height, keep_aspect_ratio=True)
            pdf.set_draw_color(180)
            pdf.rect(x, y, width, height)
            pdf.set_draw_color(0)
        pdf.set_font(FONT, size=caption_pt)
        pdf.set_xy(x, y + height + 0.8)
        pdf.cell(width, 5, pdf.wrap(caption, width).split("\n")[0] if caption else "", align="C")
        x += width + gap
    pdf.set_xy(MARGIN, y + height + 8)
    pdf.set_font(FONT, size=BODY_PT)


def _creation_date(context: dict[str, Any]) -> datetime:
    issued = (context.get("document") or {}).get("issued_at") if context else None
    try:
        moment = datetime.fromisoformat(str(issued)) if issued else None
    except ValueError:
        moment = None
    return moment or datetime.now(UTC)


def _layout(content: Content, breaks: frozenset[int], created: datetime,
            reuse: _DocumentPdf | None = None) -> _DocumentPdf:
    pdf = _DocumentPdf(content, breaks, reuse)
    pdf.set_title(content.title)
    pdf.set_author(content.office_name)
    pdf.set_creator("救助 Jiuzhu")
    pdf.set_subject(f"{content.code} {content.number}")
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.title_block()
    for index, block in enumerate(content.blocks):
        pdf.block(block, index)
    return pdf


def _carried(blocks: list[Block], signature: int) -> int | None:
    """The block to move to the next page with a signature (a heading goes with the
    block it heads); None when that would leave the title alone."""
    index = signature - 1
    while index > 0 and blocks[index].kind in ("space", "note"):
        index -= 1
    if index > 0 and blocks[index - 1].kind == "heading":
        index -= 1
    return index if index > 0 else None


def content_pdf(content: Content, *, created: datetime | None = None) -> bytes:
    """The PDF bytes of already rendered content.

    A seal and signatures must not stand alone on a page (the page has to show what is
    signed): when they would, the layout is redone with the block before them starting
    the new page as well."""
    created = created or datetime.now(UTC)
    breaks: frozenset[int] = frozenset()
    pdf = _layout(content, breaks, created)
    for _attempt in range(3):
        carried = {_carried(content.blocks, i) for i in pdf.lonely_signatures} - {None}
        if not carried or carried <= breaks:
            break
        breaks = breaks | frozenset(c for c in carried if c is not None)
        pdf = _layout(content, breaks, created, reuse=pdf)
    return bytes(pdf.output())


def render_pdf(doc_spec: DocSpec, context: dict[str, Any]) -> bytes:
    """An A4 PDF of ``doc_spec`` filled with ``context`` (missing fields left blank)."""
    return content_pdf(render_content(doc_spec, context), created=_creation_date(context))
