"""The 电子档案 part of the demo county (called by ``jiuzhu.demo.loader``)."""

from __future__ import annotations

from typing import Any

#: The demo archives the most recently closed cases only: a package renders any document
#: still waiting for the task worker (about a second each), so hundreds of closed cases
#: would slow ``jiuzhu demo`` down; ``jiuzhu archive_closed`` (or the task worker, as cases
#: close) archives the rest.
DEMO_LIMIT = 3


def load(stdout: Any = None) -> None:
    """Idempotent; through the services: the packages of the demo county's most recently
    closed cases that have none yet."""
    from jiuzhu.regions.models import Region

    from .closed import build_missing

    county = Region.objects.filter(code="990102").first()
    if county is None:
        return
    built = 0
    for _kind, _pk, _closing, result in build_missing(limit=DEMO_LIMIT, region=county):
        if result is not None and not isinstance(result, str):
            built += 1
    if stdout is not None:
        stdout.write(f"电子档案：新建 {built} 个档案包\n")
