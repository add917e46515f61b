"""Demo assessments (核算) of the demo county: a batch re-assessment run per township (the
standings every list of households shows) and a stored assessment, with its explanation,
of the first family of every village. Through ``assessments.services`` as the system.
Idempotent: a township that has a run is not run again unless households were added, a
family with a stored assessment is not assessed again."""

from __future__ import annotations

from datetime import date

from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region

from .models import Assessment, BatchRun


def load_batch_runs(townships: list[Region], *, on: date, again: bool) -> int:
    """One finished batch run per township (again for every township when ``again``)."""
    from .services import batch_create, batch_execute

    done = 0
    for township in townships:
        if not again and BatchRun.objects.filter(region=township).exists():
            continue
        batch_execute(run=batch_create(actor=SYSTEM, region=township, on=on))
        done += 1
    return done


def load_assessments(villages: list[Region], *, on: date) -> int:
    """A stored assessment of the first active family of every village."""
    from .services import assessment_run

    done = 0
    for village in villages:
        household = (Household.objects.filter(region=village, status="active")
                     .order_by("household_id").first())
        if household is None or Assessment.objects.filter(household=household).exists():
            continue
        assessment_run(actor=SYSTEM, household=household, on=on)
        done += 1
    return done


def load_assessments_demo(regions: dict[str, Region], *, on: date, again: bool) -> dict[str, int]:
    townships = sorted((r for r in regions.values() if r.level == "township"), key=lambda r: r.code)
    villages = sorted((r for r in regions.values() if r.level == "village"), key=lambda r: r.code)
    return {"batch_runs": load_batch_runs(townships, on=on, again=again),
            "assessments": load_assessments(villages, on=on)}
