"""The closed cases whose latest closing event has no package yet (for ``archive_closed``
and the demo): a stopped case's stop, an approved case's approval, a refused, rejected or
withdrawn case's decision, a closed emergency case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .choices import CaseKind, Closing
from .models import ArchivePackage

#: application state → the closing event archived for it
CLOSING_OF_STATE = {
    "approved": Closing.APPROVED, "in_payment": Closing.APPROVED,
    "suspended": Closing.APPROVED, "stopped": Closing.STOPPED, "refused": Closing.REFUSED,
    "rejected": Closing.REJECTED, "withdrawn": Closing.WITHDRAWN,
}


def missing(*, region: Any = None, recent: int | None = None) -> list[tuple[str, int, str]]:
    """``(kind, case_id, closing)`` of every closed case (of the ``recent`` most recently
    decided or closed ones, when given) without a package of its latest closing event,
    most recent first."""
    from jiuzhu.applications.models import Application
    from jiuzhu.emergency.models import EmergencyCase

    out: list[tuple[str, int, str]] = []
    applications = Application.objects.filter(state__in=list(CLOSING_OF_STATE))
    emergencies = EmergencyCase.objects.filter(state="closed")
    if region is not None:
        applications, emergencies = applications.within(region), emergencies.within(region)
    rows: list[tuple[Any, str, int, str]] = []
    for pk, state, when in applications.values_list("pk", "state", "decided_at"):
        rows.append((when, CaseKind.APPLICATION, pk, CLOSING_OF_STATE[state]))
    for pk, when in emergencies.values_list("pk", "closed_at"):
        rows.append((when, CaseKind.EMERGENCY, pk, Closing.CLOSED))
    done = set(ArchivePackage.objects.values_list("case_kind", "case_id", "closing"))
    rows.sort(key=lambda r: (r[0] is not None, r[0] or 0, r[2]), reverse=True)
    for _when, kind, pk, closing in rows[:recent] if recent is not None else rows:
        if (kind, pk, closing) not in done:
            out.append((kind, pk, closing))
    return out


def build_missing(*, limit: int | None = None, region: Any = None,
                  progress: Callable[[int, int, str], None] | None = None
                  ) -> Iterator[tuple[str, int, str, Any]]:
    """Build the missing packages (of the ``limit`` most recently closed cases only, when
    given: running it again builds nothing more); yields
    ``(kind, case_id, closing, package or the refusal's message)``."""
    from jiuzhu.core.errors import ServiceError

    from .services import package_build_missing

    todo = missing(region=region, recent=limit)
    for n, (kind, pk, closing) in enumerate(todo, 1):
        try:
            result: Any = package_build_missing(kind=kind, case_id=pk, closing=closing)
        except ServiceError as error:
            result = error.message
        if progress is not None:
            progress(n, len(todo), f"{kind} {pk} {closing}")
        yield kind, pk, closing, result


def build_missing_daily() -> int:
    """The daily catch-up: the package of every closed case that has none (a build that
    failed, or closings held while the demo loaded); returns how many were built."""
    return sum(1 for *_case, result in build_missing()
               if result is not None and not isinstance(result, str))
