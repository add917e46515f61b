"""Excel, safely, in one place — every workbook the platform writes goes through openpyxl's
``Cell``, and :func:`install` (called once by ``CoreConfig.ready``) makes that cell:

* write a text starting with ``=``, ``+``, ``-``, ``@``, tab or CR as **text**, never as a
  formula (openpyxl would make ``=HYPERLINK(…)`` a live formula), and mark it with Excel's
  quote prefix so editing the cell in Excel keeps it text;
* replace a control character (a NUL in an address stored before input was checked) by
  U+FFFD instead of raising ``IllegalCharacterError`` (the export's 500).

A workbook that wants a real formula sets ``cell.data_type = "f"`` after the value, on
purpose. Reading workbooks is unchanged (openpyxl's reader does not bind values this way).

:func:`check_xlsx` bounds what an uploaded workbook may unpack to (zip bombs) before any
reader opens it.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ErrorCode, ServiceError

#: What makes Excel (or a CSV reader) take a text for a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: What an XML worksheet cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

_installed = False


def safe_text(value: str) -> str:
    """``value`` as a worksheet may hold it: control characters replaced by U+FFFD."""
    return ILLEGAL.sub("\ufffd", value)


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def install() -> None:
    """Make openpyxl's ``Cell`` write text as text (see the module docstring). Idempotent."""
    global _installed
    if _installed:
        return
    from openpyxl.cell.cell import Cell

    cell_class: Any = Cell
    bind = cell_class._bind_value

    def _bind_value(self: Any, value: Any) -> None:
        if isinstance(value, str):
            value = safe_text(value)
        bind(self, value)
        if isinstance(value, str) and self.data_type in ("f", "s"):
            if value.startswith(FORMULA_START):
                self.data_type = "s"
                self.quotePrefix = True
            elif self.has_style and self.quotePrefix:
                self.quotePrefix = False

    cell_class._bind_value = _bind_value
    _installed = True


# --- uploaded workbooks -------------------------------------------------------------------

#: The most an uploaded workbook may unpack to, and the largest ratio of a member's
#: unpacked to packed size (a real sheet compresses 5–20 times; a zip bomb 1000 times).
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_MEMBERS = 10_000


def check_xlsx(file: IO[bytes] | str, *, field: str = "file") -> None:
    """Refuse (422 naming ``field``) a workbook whose parts unpack to more than
    ``XLSX_MAX_UNPACKED`` bytes in all, or one of whose parts unpacks more than
    ``XLSX_MAX_RATIO`` times its packed size — from the zip's directory, before anything
    is unpacked. A file that is not a zip is left to the reader to refuse."""
    max_unpacked = int(getattr(settings, "XLSX_MAX_UNPACKED", XLSX_MAX_UNPACKED))
    max_ratio = int(getattr(settings, "XLSX_MAX_RATIO", XLSX_MAX_RATIO))
    position = file.tell() if hasattr(file, "tell") else None
    try:
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError):
            return
        with archive:
            members = archive.infolist()
            if len(members) > XLSX_MAX_MEMBERS:
                raise _refused(field, _("文件内的部件过多（%(n)s 个）") % {"n": len(members)})
            total = sum(m.file_size for m in members)
            if total > max_unpacked:
                raise _refused(field, _("文件解压后 %(size)s MB，超过上限 %(max)s MB") % {
                    "size": total // (1024 * 1024), "max": max_unpacked // (1024 * 1024)})
            for member in members:
                if member.file_size > 1024 * 1024 and \
                        member.file_size > max_ratio * max(member.compress_size, 1):
                    raise _refused(field, _(
                        "文件压缩比异常（%(name)s 解压后是压缩时的 %(ratio)s 倍，上限 %(max)s 倍），"
                        "疑似压缩炸弹") % {"name": member.filename,
                                         "ratio": member.file_size // max(member.compress_size, 1),
                                         "max": max_ratio})
    finally:
        if position is not None and hasattr(file, "seek"):
            file.seek(position)


def _refused(field: str, message: str) -> ServiceError:
    return ServiceError(ErrorCode.VALIDATION, _("Excel 文件被拒绝：%(why)s") % {"why": message},
                        [{"path": field, "message": message}])
