"""The rules version (规则版本): a digest of the engine's code and parameter files, so a
stored figure names exactly the rules that produced it."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import jiuzhu.rules.engine

RULES_DIR = Path(jiuzhu.rules.engine.__file__).resolve().parent


@lru_cache(maxsize=1)
def rules_version() -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in RULES_DIR.rglob("*") if p.suffix in {".py", ".yaml"}
                   and "tests" not in p.relative_to(RULES_DIR).parts)
    for path in files:
        digest.update(str(path.relative_to(RULES_DIR)).encode())
        digest.update(path.read_bytes())
    return f"rules-{digest.hexdigest()[:12]}"
