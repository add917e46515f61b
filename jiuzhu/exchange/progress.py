"""How far the write of an import has got, told through a small file beside the uploads.

The writer leaves its count in a file under MEDIA_ROOT (shared by the task worker and the
web process; the uploaded workbook lives there), replaced atomically after each staged
chunk, and the page reads it. (It dates from when the write was one transaction and a count
on the job row stayed invisible until the end; the file's time is also a sign of life for
the dead-worker sweep.)
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
