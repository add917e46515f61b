"""A template filled with a case's context (文书内容), before it becomes a PDF or a Word file.

Every text of a template is a Django template string rendered with the context, with
autoescaping off (the output is not HTML). A variable the context does not have renders
as blank underscores (``＿＿＿＿``) so the printed form can be completed by hand, and
its path is listed in ``Content.missing_fields``; so is every field the catalogue says
the document needs. ``None`` and empty strings count as missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import Variable, VariableDoesNotExist
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError

from .catalogue import catalogue_entry
from .specs import DocSpec

BLANK = "＿＿＿＿"
SEAL = "（盖章）"
_MISSING = re.compile("\x00([^\x00]*)\x00")
# YAML folds a long line into one with spaces where the line breaks were; between two
# Chinese characters such a space is an artefact, not a word space.
_CJK = "\u2e80-\u9fff\uff00-\uffef\u3000-\u303f\u2018-\u201d\u2026"
_FOLD_SPACE = re.compile(f"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_ENGINE = Engine(
    string_if_invalid="\x00%s\x00",
    builtins=["jiuzhu.documents.text_filters"],
    autoescape=False,
)
DEFAULT_DATE = "{{ today|cn_date }}"
IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,")


@dataclass(frozen=True)
class Cell:
    text: str
    span: int = 1
    shaded: bool = False  # labels and headers
    # A drawn signature or photo as a ``data:image/png;base64,…`` URI (the PDF shows the
    # image instead of the text; the Word file the text, then the image 3 cm wide).
    image: str = ""


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height: float | None = None  # minimum height in mm (room to write by hand)
    header: bool = False


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1

    @property
    def header_rows(self) -> int:
        count = 0
        for row in self.rows:
            if not row.header:
                break
            count += 1
        return count


@dataclass(frozen=True)
class Signature:
    parties: tuple[str, ...]  # "申请人（签字）：＿＿＿＿　　年　月　日" lines
    seal: str  # the sealing office's name, "" for none
    date: str
    # Per party, its drawn signature as a data URI ("" for none): the PDF draws it on
    # the party's line (``{text, image}`` in a template's ``parties``).
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One rendered block: a paragraph (``text`` indented, ``plain`` not), a heading,
    a note, a table, a signature, a page break or vertical space."""

    kind: str
    text: str = ""
    align: str = "justify"
    table: Table | None = None
    signature: Signature | None = None
    lines: float = 0
    #: an ``images`` block: (data URI, caption) per picture, printed as thumbnails
    images: tuple[tuple[str, str], ...] = ()
    height: float = 0  # mm, the thumbnails' height


@dataclass
class Content:
    """A document's text, ready for ``pdf.py`` and ``word.py``."""

    code: str
    title: str
    subtitle: str
    number: str
    office_name: str
    blocks: list[Block]
    template: str
    missing: set[str] = field(default_factory=set)

    @property
    def missing_fields(self) -> list[str]:
        """The context paths that were absent (rendered as blanks), sorted."""
        return sorted(self.missing)


def content_to_dict(content: Content) -> dict[str, Any]:
    """The content as JSON-able data, stored with a document when it is issued so that its
    files can be made later exactly as it was worded then (:func:`content_from_dict`)."""
    data = asdict(content)
    data["missing"] = sorted(content.missing)
    return data


def content_from_dict(data: dict[str, Any]) -> Content:
    """The content :func:`content_to_dict` stored."""

    def table(raw: dict[str, Any] | None) -> Table | None:
        if raw is None:
            return None
        rows = tuple(Row(cells=tuple(Cell(**c) for c in r["cells"]), height=r.get("height"),
                         header=r.get("header", False)) for r in raw["rows"])
        return Table(rows=rows, widths=tuple(raw["widths"]))

    def signature(raw: dict[str, Any] | None) -> Signature | None:
        if raw is None:
            return None
        return Signature(parties=tuple(raw["parties"]), seal=raw["seal"], date=raw["date"],
                         images=tuple(raw.get("images") or ()))

    blocks = [Block(kind=b["kind"], text=b.get("text", ""), align=b.get("align", "justify"),
                    table=table(b.get("table")), signature=signature(b.get("signature")),
                    lines=b.get("lines", 0),
                    images=tuple((src, caption) for src, caption in b.get("images") or ()),
                    height=b.get("height", 0)) for b in data["blocks"]]
    return Content(code=data["code"], title=data["title"], subtitle=data["subtitle"],
                   number=data["number"], office_name=data["office_name"], blocks=blocks,
                   template=data["template"], missing=set(data.get("missing", ())))


def normalise_context(value: Any, *, in_list: bool = False) -> Any:
    """A JSON-friendly copy without ``None`` or empty strings, which count as missing;
    inside a list's items (a table row) an empty string stays, as an empty cell."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if item is None or (isinstance(item, str) and not item.strip() and not in_list):
                continue
            out[str(key)] = normalise_context(item, in_list=in_list)
        return out
    if isinstance(value, list | tuple):
        return [normalise_context(v, in_list=True) for v in value if v is not None]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def context_lookup(context: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or raise KeyError."""
    value: Any = context
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(path)
    return value


@lru_cache(maxsize=4096)
def _template(source: str) -> Template:
    try:
        return _ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise ServiceError(ErrorCode.VALIDATION, _("模板语法有误：%(error)s") % {"error": error},
                           [{"path": source[:80], "message": str(error)}])


class _Renderer:
    def __init__(self, context: dict[str, Any]):
        self.context = Context(context, autoescape=False)
        self.missing: set[str] = set()
        self.aliases: list[tuple[str, str]] = []  # (alias, list path) of the loops we are in

    def text(self, source: Any) -> str:
        if source is None:
            return ""
        source = str(source)
        source = _FOLD_SPACE.sub("", source)
        if "{" not in source:
            return source.strip()
        output = _template(source).render(self.context)
        return _MISSING.sub(self._blank, output).strip()

    def _blank(self, match: re.Match) -> str:
        name = match.group(1)
        for alias, path in reversed(self.aliases):
            if name == alias or name.startswith(alias + "."):
                name = f"{path}[]{name[len(alias):]}"
                break
        self.missing.add(name)
        return BLANK

    def image(self, path: Any) -> str:
        """The image at a context path (a ``data:image/png`` or ``data:image/jpeg`` URI),
        or "" — an absent image is not a missing field: the line stays to sign by hand."""
        if not path:
            return ""
        try:
            value = Variable(str(path)).resolve(self.context)
        except VariableDoesNotExist:
            return ""
        if isinstance(value, str) and value.startswith(IMAGE_PREFIXES):
            return value
        return ""

    def condition(self, expression: str | None) -> bool:
        if not expression:
            return True
        return _template("{% if " + str(expression) + " %}1{% endif %}").render(self.context) == "1"

    def items(self, path: str, *, optional: bool = False) -> list[Any] | None:
        """The list at ``path`` (a text counts as one item per line); None, and listed
        as missing, when it is absent ([] when it is ``optional``)."""
        try:
            value = Variable(path).resolve(self.context)
        except VariableDoesNotExist:
            value = None
        if isinstance(value, str):
            value = [line.strip() for line in value.splitlines() if line.strip()]
        if not isinstance(value, list | tuple):
            if optional:
                return []
            self.missing.add(path)
            return None
        return list(value)

    def loop(self, each: str, aliases: list[str], *,
             optional: bool = False) -> Iterator[None] | None:
        """Iterate ``each`` — a list path, or nested lists ``a.b > c > d`` — with the
        items bound to ``aliases`` (one per level) and ``n`` counting the innermost rows.
        None when the outer list is absent."""
        levels = [part.strip() for part in each.split(">")]
        outer = self.items(levels[0], optional=optional)
        if outer is None:
            return None
        aliases = (list(aliases) + ["row"] * len(levels))[:len(levels)]
        paths = [levels[0]]
        for level in levels[1:]:
            paths.append(f"{paths[-1]}[].{level}")
        return self._walk(outer, levels, aliases, paths, 0, [0])

    def _walk(self, items: list[Any], levels: list[str], aliases: list[str],
              paths: list[str], depth: int, counter: list[int]) -> Iterator[None]:
        self.aliases.append((aliases[depth], paths[depth]))
        try:
            for item in items:
                if depth == len(levels) - 1:
                    counter[0] += 1
                    with self.context.push({aliases[depth]: item, "n": counter[0]}):
                        yield None
                    continue
                inner = item.get(levels[depth + 1]) if isinstance(item, dict) else None
                if not isinstance(inner, list):
                    continue
                with self.context.push({aliases[depth]: item}):
                    yield from self._walk(inner, levels, aliases, paths, depth + 1, counter)
        finally:
            self.aliases.pop()


def render_content(spec: DocSpec, context: dict[str, Any]) -> Content:
    """Fill ``spec`` with ``context``; never fails on missing fields."""
    context = normalise_context(dict(context or {}))
    renderer = _Renderer(context)
    blocks: list[Block] = []
    for block in spec.blocks:
        if not renderer.condition(block.get("when")):
            continue
        blocks.extend(_render_block(block, renderer))
    content = Content(
        code=spec.code,
        title=renderer.text(spec.title),
        subtitle=renderer.text(spec.subtitle),
        number=renderer.text("{{ document.number }}"),
        office_name=renderer.text("{{ office.name }}"),
        blocks=blocks,
        template=spec.source,
        missing=renderer.missing,
    )
    entry = catalogue_entry(spec.code)
    for path in entry.required_fields if entry else ():
        try:
            context_lookup(context, path)
        except KeyError:
            content.missing.add(path)
    return content


def _render_block(block: dict[str, Any], r: _Renderer) -> list[Block]:
    kind = block["kind"]
    if kind == "text":
        align = block.get("align", "justify")
        kind = "text" if block.get("indent", align == "justify") else "plain"
        if "each" in block:
            rows = r.loop(block["each"], _aliases(block, "item"))
            if rows is None:
                return [Block(kind=kind, text=BLANK * 4, align=align)]
            return [Block(kind=kind, text=r.text(block["text"]), align=align) for _ in rows]
        return _paragraphs(kind, r.text(block["text"]), align)
    if kind in ("plain", "heading", "note"):
        align = "left" if kind != "note" else "justify"
        return _paragraphs(kind, r.text(block["text"]), block.get("align", align))
    if kind == "table":
        return [Block(kind="table", table=_render_table(block, r))]
    if kind == "signature":
        return [Block(kind="signature", signature=_render_signature(block, r))]
    if kind == "images":
        return _render_images(block, r)
    if kind == "page_break":
        return [Block(kind="page_break")]
    return [Block(kind="space", lines=float(block.get("lines", 1)))]


def _aliases(block: dict[str, Any], default: str) -> list[str]:
    names = block.get("as", default)
    return [names] if isinstance(names, str) else list(names)


def _paragraphs(kind: str, text: str, align: str) -> list[Block]:
    """One block per non-empty line, so a YAML ``|`` text is several paragraphs."""
    return [Block(kind=kind, text=line.strip(), align=align)
            for line in text.splitlines() if line.strip()]


def _cell(raw: Any, r: _Renderer, *, shaded: bool = False) -> Cell:
    if isinstance(raw, dict):
        return Cell(text=r.text(raw.get("text", "")), span=int(raw.get("span", 1)),
                    shaded=bool(raw.get("label", shaded)), image=r.image(raw.get("image")))
    return Cell(text=r.text(raw), shaded=shaded)


def _row(raw: Any, r: _Renderer, labels: set[int], header: bool = False) -> Row:
    cells_raw: list[Any] = (raw.get("cells") if isinstance(raw, dict) else raw) or []
    height = raw.get("height") if isinstance(raw, dict) else None
    cells: list[Cell] = []
    column = 0
    for item in cells_raw:
        cell = _cell(item, r, shaded=header or column in labels)
        cells.append(cell)
        column += cell.span
    return Row(cells=tuple(cells), height=float(height) if height else None, header=header)


def _columns(row: Row) -> int:
    return sum(c.span for c in row.cells)


def _render_table(block: dict[str, Any], r: _Renderer) -> Table:
    has_header = "header" in block
    width_hint = block.get("widths")
    first = block.get("header") or (block.get("rows") or [None])[0] or block.get("row") or []
    first_cells: list[Any] = (first.get("cells") if isinstance(first, dict) else first) or []
    columns = len(width_hint) if width_hint else sum(
        int(c.get("span", 1)) if isinstance(c, dict) else 1 for c in first_cells)
    default_labels: set[int] = set() if has_header else set(range(0, columns, 2))
    labels = set(block.get("labels", default_labels))
    rows: list[Row] = []
    if has_header:
        rows.append(_row(block["header"], r, labels, header=True))
    rows += [_row(raw, r, labels) for raw in block.get("rows") or []]
    if "each" in block:
        loop = r.loop(block["each"], _aliases(block, "row"), optional=block.get("optional", False))
        looped = [_row(block["row"], r, labels) for _ in loop] if loop is not None else []
        rows += looped
        if not looped:
            empty = block.get("empty")
            if loop is not None and empty:
                rows.append(Row(cells=(Cell(text=r.text(empty), span=columns),)))
            else:
                blank = Row(cells=tuple(Cell(text="") for _ in range(columns)), height=9)
                rows += [blank] * int(block.get("blank_rows", 2))
    rows += [_row(raw, r, labels) for raw in block.get("after") or []]
    widths = [float(w) for w in (width_hint or [1] * columns)]
    total = sum(widths)
    for row in rows:
        if _columns(row) != len(widths):
            raise ServiceError(ErrorCode.VALIDATION,
                               _("表格列数不一致：应为 %(widths)s 列，某行为 %(columns)s 列") % {"widths": len(widths), "columns": _columns(row)})
    return Table(rows=tuple(rows), widths=tuple(w / total for w in widths))


def _render_images(block: dict[str, Any], r: _Renderer) -> list[Block]:
    """``images: {each: investigation.photos, src: row.thumbnail, caption: "…", height: 40}``:
    ``src`` is a context path to a data URI (like a signature's ``image``); thumbnails in
    rows on the PDF, the captions in the Word file. An absent or empty list prints
    ``empty`` as a note, or nothing."""
    pictures: list[tuple[str, str]] = []
    for _row in r.loop(block["each"], _aliases(block, "row"), optional=True) or ():
        image = r.image(block.get("src"))
        if image:
            pictures.append((image, r.text(block.get("caption") or "")))
    if not pictures:
        empty = block.get("empty")
        return [Block(kind="note", text=r.text(empty), align="left")] if empty else []
    text = "；".join(caption for _image, caption in pictures if caption)
    return [Block(kind="images", text=text, align="left", images=tuple(pictures),
                  height=float(block.get("height") or 40))]


def _render_signature(block: dict[str, Any], r: _Renderer) -> Signature:
    parties, images = [], []
    for party in block.get("parties") or []:
        image = ""
        if isinstance(party, dict):
            image = r.image(party.get("image"))
            party = party.get("text", "")
        text = r.text(party)
        if image:
            text = text.rstrip("：:") + "："
        elif "：" not in text and ":" not in text:
            text += "：＿＿＿＿＿＿＿＿　　　　年　　月　　日"
        parties.append(text)
        images.append(image)
    seal = block.get("seal", True)
    seal_name = ""
    if seal:
        seal_name = r.text("{{ office.name }}" if seal is True else seal)
    return Signature(parties=tuple(parties), seal=seal_name,
                     date=r.text(block.get("date", DEFAULT_DATE)) if seal or "date" in block
                     else "", images=tuple(images) if any(images) else ())
