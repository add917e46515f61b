"""Build the vendored web font (``python -m jiuzhu.core.webfont``).

A machine without Chinese fonts (a fresh intranet PC, a kiosk) would show the pages as
boxes. ``site.css`` lists the system fonts first and this font last, so the browser fetches
it only when a character is missing from every system font. The font is Noto Sans CJK SC
(SIL Open Font License, ``OFL.txt`` beside it), subset to GB 2312 and every character our
templates, code and translations use, as WOFF2 (about 2 MB instead of 16 MB).

Run it again when templates gain characters outside GB 2312
(``jiuzhu/core/tests/test_webfont.py`` says which). It needs the Debian package
``fonts-noto-cjk`` and the ``brotli`` module (a dev dependency).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_INDEX = 2  # Noto Sans CJK SC within the collection
TARGET_DIR = ROOT / "core" / "static" / "vendor" / "noto-sans-sc"
TARGET = TARGET_DIR / "NotoSansSC-Regular-subset.woff2"
SCANNED_SUFFIXES = (".html", ".txt", ".py", ".po", ".yaml", ".yml", ".js")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u2000-\u206f]")


def gb2312() -> set[str]:
    """Every character of GB 2312 (the 6,763 hanzi and its symbols)."""
    chars: set[str] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def used_characters(root: Path = ROOT) -> set[str]:
    """Characters outside ASCII that the interface's sources use (tests excluded)."""
    chars: set[str] = set()
    for path in root.rglob("*"):
        if (path.suffix not in SCANNED_SUFFIXES or "/tests/" in str(path)
                or "/static/vendor/" in str(path) or "/migrations/" in str(path)):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        chars.update(HAN.findall(text))
    return chars


def wanted_characters() -> set[str]:
    return gb2312() | used_characters() | {chr(c) for c in range(0x20, 0x7F)} | set("·×÷—…‘’“”、。")


def build() -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(SOURCE), fontNumber=SOURCE_INDEX)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # CFF hints add size and little on screens
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in wanted_characters()))
    subsetter.subset(font)
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(TARGET))
    return TARGET


if __name__ == "__main__":
    path = build()
    print(f"{path.relative_to(ROOT.parent)}: {path.stat().st_size / 1024:.0f} KB", file=sys.stderr)
