"""Build the interface translations (make messages).

Chinese is the source language: msgids are Simplified Chinese. Traditional Chinese is
converted mechanically (zhconv, zh-tw); English comes from ``locale/en.yaml`` (msgid →
English), where a missing entry is listed so it can be added. The compiled ``.mo``
files are committed, so a deployment needs no gettext.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
import yaml
import zhconv

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
ENGLISH = LOCALE / "en.yaml"
# More glossaries, one per app or feature (merged after en.yaml; a later file may not
# redefine an entry with a different English).
ENGLISH_MORE = LOCALE / "en.d"


LANGUAGES = ("zh_Hant", "en")
# Not part of the interface: the rules engine (its own vocabulary) and tests.
IGNORE = ("rules/*", "*/tests/*", "tests/*", "conftest.py", "test_*.py", "testing.py",
          "settings_test.py")
SOURCE_SUFFIXES = (".py", ".html", ".txt")


def makemessages(directory: Path, languages: tuple[str, ...] = LANGUAGES) -> None:
    """Run makemessages over ``directory`` (into its ``locale``).

    makemessages walks the current directory, so it runs inside the package (the project
    root holds .venv). "-P" keeps that directory off sys.path: otherwise the package's
    own ``rules`` folder would shadow the django-rules library.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "jiuzhu.settings"),
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT.parent), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "--no-obsolete",
         "--no-location", "--verbosity", "0",
         *(arg for language in languages for arg in ("-l", language)),
         *(arg for pattern in IGNORE for arg in ("--ignore", pattern))],
        cwd=directory, check=True, env=env,
    )


def extract() -> None:
    makemessages(ROOT)


def source_msgids() -> set[str]:
    """The msgids the sources hold now, extracted from a scratch copy of the package.

    The catalogues are left alone, so this tells whether they are current.
    """

    def skip(directory: str, names: list[str]) -> list[str]:
        return [n for n in names
                if n in ("locale", "__pycache__", "node_modules")
                or (not Path(directory, n).is_dir() and not n.endswith(SOURCE_SUFFIXES))]

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / ROOT.name
        shutil.copytree(ROOT, copy, ignore=skip)
        (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
        makemessages(copy, ("en",))
        po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
        return {entry.msgid for entry in polib.pofile(str(po))} if po.exists() else set()


PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def placeholders(text: str) -> list[str]:
    """The printf-style placeholders of ``text`` (``%%`` is not one)."""
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def english_forms(entry: polib.POEntry, text: object) -> list[str] | None:
    """The English forms for ``entry`` from the glossary value, or None if unusable.

    A singular msgid takes a string; a plural one a list ``[one, other]``.
    """
    if entry.msgid_plural:
        if isinstance(text, list) and len(text) == 2 and all(isinstance(t, str) and t for t in text):
            return list(text)
        return None
    return [text] if isinstance(text, str) and text else None


def glossary() -> tuple[dict[str, object], list[str]]:
    """msgid → English from en.yaml and every en.d/*.yaml, and the conflicts found."""
    english: dict[str, object] = {}
    problems: list[str] = []
    files = [ENGLISH] + sorted(ENGLISH_MORE.glob("*.yaml"))
    for path in files:
        if not path.exists():
            continue
        for msgid, text in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if msgid in english and english[msgid] != text:
                problems.append(f"en: {path.name} gives {msgid!r} another English")
                continue
            english[msgid] = text
    return english, problems


def fill() -> tuple[list[str], list[str], list[str]]:
    """Fill both catalogues and compile them.

    Returns the msgids without English, the problems, and the glossary entries no
    msgid uses any more.
    """
    english, problems = glossary()
    missing: list[str] = []
    unused: list[str] = []
    for language in LANGUAGES:
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path))
        po.metadata["Language"] = language
        po.metadata_is_fuzzy = False
        for entry in po:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            forms: list[str]
            if language == "zh_Hant":
                forms = [zhconv.convert(entry.msgid_plural or entry.msgid, "zh-tw")]
            else:
                text = english.get(entry.msgid)
                usable = english_forms(entry, text) if text is not None else None
                if usable is None:
                    missing.append(entry.msgid)
                    if text is not None:
                        problems.append(f"en: unusable glossary value for {entry.msgid!r}")
                forms = usable or []
            if "python-format" in entry.flags and forms:
                wanted = placeholders(entry.msgid_plural or entry.msgid)
                if any(placeholders(f) != wanted for f in forms):
                    problems.append(f"{language}: placeholders differ in {entry.msgid!r}")
                    forms = []
            if entry.msgid_plural:
                count = 1 if language == "zh_Hant" else 2
                entry.msgstr_plural = {i: (forms[i] if forms else "") for i in range(count)}
            else:
                entry.msgstr = forms[0] if forms else ""
        po.save(str(path))
        po.save_as_mofile(str(path.with_suffix(".mo")))
        if language == "en":
            unused = [m for m in english if m not in {e.msgid for e in po}]
    return missing, problems, unused


def main() -> None:
    extract()
    missing, problems, unused = fill()
    if missing:
        print(f"{len(missing)} msgids have no English in {ENGLISH.relative_to(ROOT.parent)}:")
        for msgid in missing:
            print(f"  {msgid!r}")
    if unused:
        print(f"{len(unused)} glossary entries are no longer used: {unused!r}")
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
