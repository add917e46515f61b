"""Build the interface translations (make messages).

Chinese is the source language: msgids are Simplified Chinese. Traditional Chinese is
converted mechanically (zhconv, zh-tw); English comes from ``locale/en.yaml`` (msgid →
English), where a missing entry is listed so it can be added. The compiled ``.mo``
files are committed, so a deployment needs no gettext.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib
import yaml
import zhconv

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
ENGLISH = LOCALE / "en.yaml"


def extract() -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--no-obsolete", "--no-location",
         "-l", "zh_Hant", "-l", "en", "--ignore", "rules/*", "--ignore", "*/tests/*"],
        cwd=ROOT, check=True,
        env={"DJANGO_SETTINGS_MODULE": "jiuzhu.settings", **__import__("os").environ},
    )


def fill() -> list[str]:
    english: dict[str, str] = yaml.safe_load(ENGLISH.read_text()) if ENGLISH.exists() else {}
    missing: list[str] = []
    for language in ("zh_Hant", "en"):
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path))
        for entry in po:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            if language == "zh_Hant":
                entry.msgstr = zhconv.convert(entry.msgid, "zh-tw")
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: zhconv.convert(entry.msgid_plural, "zh-tw")}
            else:
                text = english.get(entry.msgid)
                if text is None:
                    missing.append(entry.msgid)
                entry.msgstr = text or ""
        po.save(str(path))
        po.save_as_mofile(str(path.with_suffix(".mo")))
    return missing


def main() -> None:
    extract()
    missing = fill()
    if missing:
        print(f"{len(missing)} msgids have no English in {ENGLISH.relative_to(ROOT.parent)}:")
        for msgid in missing:
            print(f"  {msgid!r}")


if __name__ == "__main__":
    main()
