"""The rules version (规则版本): a digest of the engine's code and parameter files, so a
stored figure names exactly the rules that produced it — plus, when the county's own
entered parameters (政策参数, ``jiuzhu/policy``, installed as an overlay) count on the
assessment date, the installed overlay's version: ``rules-<digest>+p<count>:<last id>``."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path

import jiuzhu.rules.engine
from jiuzhu.rules import parameters

RULES_DIR = Path(jiuzhu.rules.engine.__file__).resolve().parent


def rules_version(county: str | None = None, on: date | None = None) -> str:
    """The files' version; for ``county`` (six digits) with entered parameters installed
    that are in force by ``on`` (any date when ``on`` is None), followed by
    ``+p`` and the overlay's version (the approved sets' stamp)."""
    version = files_version()
    if not county:
        return version
    overlay = parameters.overlay_of(county)
    installed = parameters.overlay_version(county)
    if not overlay or not installed:
        return version
    if on is not None and not any(min(dated) <= on for dated in overlay.values() if dated):
        return version
    return f"{version}+p{installed}"[:40]


@lru_cache(maxsize=1)
def files_version() -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in RULES_DIR.rglob("*") if p.suffix in {".py", ".yaml"}
                   and "tests" not in p.relative_to(RULES_DIR).parts)
    for path in files:
        digest.update(str(path.relative_to(RULES_DIR)).encode())
        digest.update(path.read_bytes())
    return f"rules-{digest.hexdigest()[:12]}"
