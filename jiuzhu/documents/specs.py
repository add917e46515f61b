"""Document templates (文书模板): YAML files per region, found by walking up the region tree.

A template lives in ``templates_docs/<region code>/<code>.yaml`` or
``templates_docs/default/<code>.yaml``. For an office, the most specific region folder
that has the file wins (the office's own code, then each ancestor's), then ``default``.
Extra roots listed in ``settings.DOCUMENT_TEMPLATE_DIRS`` are searched before the app's
own folder at every level, so a deployment can keep its templates outside the code.
Files are re-read when they change, so an edit takes effect without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError

from .catalogue import catalogue_entries, catalogue_entry

TEMPLATES_DIR = Path(__file__).with_name("templates_docs")
DEFAULT_FOLDER = "default"
BLOCK_KINDS = ("text", "plain", "heading", "note", "table", "signature", "images", "page_break",
               "space")
IMAGES_KEYS = {"each", "as", "src", "caption", "height", "empty"}
TABLE_KEYS = {"header", "rows", "each", "as", "row", "after", "widths", "labels", "empty",
              "blank_rows", "optional"}
SIGNATURE_KEYS = {"parties", "seal", "date"}
COMMON_KEYS = {"when"}
TEXT_KEYS = {"indent", "align", "each", "as"}
ALIGNS = ("left", "right", "center", "justify")


@dataclass(frozen=True)
class DocSpec:
    """One template file, parsed: title, optional subtitle and blocks (see README.md)."""

    code: str
    title: str
    blocks: tuple[dict[str, Any], ...]
    subtitle: str = ""
    folder: str = DEFAULT_FOLDER  # region code, or "default"
    path: Path | None = None
    errors: tuple[str, ...] = field(default=())

    @property
    def source(self) -> str:
        """Where it came from, as stored on a document: ``990102/D01.yaml``."""
        return f"{self.folder}/{self.code}.yaml"


def template_roots() -> list[Path]:
    extra = [Path(p) for p in getattr(settings, "DOCUMENT_TEMPLATE_DIRS", [])]
    return [*extra, TEMPLATES_DIR]


def _region_codes(region: Any) -> list[str]:
    """The office's code, then its ancestors' codes, most specific first."""
    if region is None:
        return []
    path: str = getattr(region, "path", None) or ""
    codes = [c for c in path.strip("/").split("/") if c]
    if not codes and getattr(region, "code", None):
        codes = [region.code]
    return list(reversed(codes))


def template_candidates(code: str, region: Any) -> list[Path]:
    """Every file that could hold ``code`` for this region, in lookup order."""
    folders = [*_region_codes(region), DEFAULT_FOLDER]
    return [root / folder / f"{code}.yaml" for folder in folders for root in template_roots()]


def template_find(code: str, region: Any = None) -> DocSpec:
    """The template of ``code`` that applies to ``region`` (a Region, or None for default)."""
    if catalogue_entry(code) is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("没有文书代码 %(code)s") % {"code": code})
    for path in template_candidates(code, region):
        if path.is_file():
            return template_load(path)
    raise ServiceError(ErrorCode.NOT_FOUND, _("文书 %(code)s 没有模板文件") % {"code": code})


_cache: dict[Path, tuple[float, DocSpec]] = {}


def template_load(path: Path) -> DocSpec:
    """Parse one template file (cached until the file changes). Raises ServiceError
    VALIDATION when the file is not a valid template."""
    path = Path(path)
    mtime = path.stat().st_mtime
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        spec = cached[1]
    else:
        spec = _parse(path)
        _cache[path] = (mtime, spec)
    if spec.errors:
        raise ServiceError(ErrorCode.VALIDATION, _("模板文件 %(source)s 有误") % {"source": spec.source},
                           [{"path": spec.source, "message": e} for e in spec.errors])
    return spec


def _parse(path: Path) -> DocSpec:
    code, folder = path.stem, path.parent.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return DocSpec(code=code, title="", blocks=(), folder=folder, path=path,
                       errors=(f"不是有效的 YAML：{error}",))
    errors = template_errors(data)
    if errors:
        return DocSpec(code=code, title="", blocks=(), folder=folder, path=path,
                       errors=tuple(errors))
    return DocSpec(code=code, title=str(data["title"]), subtitle=str(data.get("subtitle") or ""),
                   blocks=tuple(_normalise(b) for b in data["blocks"]), folder=folder,
                   path=path)


def _kind(block: Any) -> str | None:
    if isinstance(block, str):
        return "text"
    if isinstance(block, dict):
        kinds = [k for k in BLOCK_KINDS if k in block]
        return kinds[0] if len(kinds) == 1 else None
    return None


def _normalise(block: Any) -> dict[str, Any]:
    """A block as ``{"kind": …, …}``; a bare string is a paragraph."""
    if isinstance(block, str):
        return {"kind": "text", "text": block}
    kind = _kind(block)
    out = {k: v for k, v in block.items() if k != kind}
    out["kind"] = kind
    if kind in ("text", "plain", "heading", "note"):
        out["text"] = str(block[kind])
    elif kind == "table":
        out.update(block["table"])
    elif kind == "signature":
        out.update(block["signature"] or {})
    elif kind == "images":
        out.update(block["images"] or {})
    elif kind == "space":
        out["lines"] = float(block["space"])
    return out


def _cell_ok(cell: Any) -> bool:
    if isinstance(cell, str | int | float):
        return True
    return isinstance(cell, dict) and ("text" in cell or "image" in cell) \
        and set(cell) <= {"text", "span", "label", "image"}


def _rows_errors(rows: Any, where: str) -> list[str]:
    if not isinstance(rows, list):
        return [f"{where} 应为行的列表"]
    errors = []
    for index, row in enumerate(rows):
        cells = row.get("cells") if isinstance(row, dict) else row
        if not isinstance(cells, list) or not all(_cell_ok(c) for c in cells):
            errors.append(f"{where}[{index}] 应为单元格列表（文字，或 {{text, span}}）")
    return errors


def template_errors(data: Any) -> list[str]:
    """What is wrong with a template file's content ([] when it is valid)."""
    if not isinstance(data, dict):
        return ["模板应为一个映射（title、blocks）"]
    errors = []
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        errors.append("缺少 title（标题）")
    unknown = set(data) - {"title", "subtitle", "blocks"}
    if unknown:
        errors.append(f"未知的键：{', '.join(sorted(unknown))}")
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return [*errors, "缺少 blocks（段落、表格、签章）"]
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        kind = _kind(block)
        if kind is None:
            errors.append(f"{where}：应为文字，或只含 {'/'.join(BLOCK_KINDS)} 之一的映射")
            continue
        if isinstance(block, str):
            continue
        allowed = {kind} | COMMON_KEYS
        if kind == "text":
            allowed |= TEXT_KEYS
        if kind in ("plain", "heading", "note"):
            allowed |= {"align"}
        extra = set(block) - allowed
        if extra:
            errors.append(f"{where}：未知的键 {', '.join(sorted(extra))}")
        if block.get("align") not in (None, *ALIGNS):
            errors.append(f"{where}：align 应为 {'/'.join(ALIGNS)}")
        if kind == "table":
            errors += _table_errors(block["table"], where)
        if kind == "signature":
            sig = block["signature"] or {}
            if not isinstance(sig, dict) or set(sig) - SIGNATURE_KEYS:
                errors.append(f"{where}：signature 只能有 {', '.join(sorted(SIGNATURE_KEYS))}")
            elif any(isinstance(p, dict) and (set(p) - {"text", "image"} or "text" not in p)
                     for p in sig.get("parties") or []):
                errors.append(f"{where}：签字方应为文字，或 {{text, image}}")
        if kind == "images":
            images = block["images"]
            if not isinstance(images, dict) or set(images) - IMAGES_KEYS \
                    or "each" not in images or "src" not in images:
                errors.append(f"{where}：images 须有 each 与 src（可选 {', '.join(sorted(IMAGES_KEYS - {'each', 'src'}))}）")
    return errors


def _table_errors(table: Any, where: str) -> list[str]:
    if not isinstance(table, dict):
        return [f"{where}：table 应为映射"]
    errors = []
    extra = set(table) - TABLE_KEYS
    if extra:
        errors.append(f"{where}：table 未知的键 {', '.join(sorted(extra))}")
    if not any(k in table for k in ("rows", "each", "header")):
        errors.append(f"{where}：table 需要 rows、header 或 each")
    if ("each" in table) != ("row" in table):
        errors.append(f"{where}：each 与 row 须同时给出")
    if "header" in table and not (isinstance(table["header"], list)
                                  and all(_cell_ok(c) for c in table["header"])):
        errors.append(f"{where}：header 应为单元格列表")
    for key in ("rows", "after"):
        if key in table:
            errors += _rows_errors(table[key], f"{where}.{key}")
    if "row" in table:
        errors += _rows_errors([table["row"]], f"{where}.row")
    widths = table.get("widths")
    if widths is not None and not (isinstance(widths, list)
                                   and all(isinstance(w, int | float) and w > 0 for w in widths)):
        errors.append(f"{where}：widths 应为正数列表")
    return errors


def template_overview() -> list[dict[str, Any]]:
    """For each catalogue document: the default template and every region override,
    with the problems of broken files (for the templates page)."""
    folders: dict[str, list[tuple[str, Path]]] = {}
    for root in template_roots():
        if not root.is_dir():
            continue
        for directory in sorted(p for p in root.iterdir() if p.is_dir()):
            for path in sorted(directory.glob("D*.yaml")):
                folders.setdefault(path.stem, []).append((directory.name, path))
    rows = []
    for entry in catalogue_entries():
        files = []
        for folder_name, file_path in folders.get(entry.code, []):
            spec: DocSpec | None = None
            problems: list[str] = []
            try:
                spec = template_load(file_path)
            except ServiceError as error:
                problems = [e["message"] for e in error.errors] or [error.message]
            files.append({"folder": folder_name, "path": file_path, "spec": spec,
                          "errors": problems})
        rows.append({
            "entry": entry,
            "default": next((f for f in files if f["folder"] == DEFAULT_FOLDER), None),
            "overrides": [f for f in files if f["folder"] != DEFAULT_FOLDER],
        })
    return rows
