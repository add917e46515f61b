"""How far the write of an import has got, told through a small file beside the uploads.

The write runs in one transaction (all or nothing), so a progress count saved on the job
row would stay invisible to the page until the very end. The task worker and the web
process already share MEDIA_ROOT (the uploaded workbook lives there), so the writer leaves
its count in a file there, replaced atomically, and the page reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.txt"


def written_set(job_id: int, count: int) -> None:
    path = _path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(str(count))
    os.replace(temporary, path)


def written_get(job_id: int) -> int:
    try:
        return int(_path(job_id).read_text())
    except (OSError, ValueError):
        return 0


def written_clear(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)


def written_at(job_id: int) -> float | None:
    """When the writer last told its count (a timestamp), or None."""
    try:
        return _path(job_id).stat().st_mtime
    except OSError:
        return None
