"""A batch over a province or a city is split by county: one task per county, which
several workers may take in any order; the run's progress is the sum of its parts', it is
done when they all are, and a failed part resumes from its cursor."""

import contextlib
import random
from datetime import date, timedelta

import pytest
from django.test import override_settings

from jiuzhu.assessments.models import BatchRun, Standing
from jiuzhu.assessments.selectors import batch_runs_visible_to
from jiuzhu.assessments.services import (
    batch_create,
    batch_execute,
    batch_resume,
    household_snapshot,
)
from jiuzhu.assessments.tasks import batch_run_task
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.demo import household_demo_dict
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.regions.services import region_get_or_create
from jiuzhu.rules.batch import batch_from_households
from jiuzhu.rules.engine import assess_arrays

ON = date(2026, 3, 1)
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def two_counties(tree, tmp_path, monkeypatch):
    """A second county of 示范市 (990103, with the demo county's parameters under its own
    code) and households in both: 40 in 990102's two townships, 25 in 990103."""
    from jiuzhu.rules import parameters

    root = tmp_path / "parameters"
    root.mkdir()
    for code in ("990102", "990103"):
        (root / code).symlink_to(parameters.PARAMETERS_ROOT / "990102", target_is_directory=True)
    monkeypatch.setattr(parameters, "PARAMETERS_ROOT", root)
    parameters.clear_caches()
    county = region_get_or_create(code="990103", name="第二县", level="county",
                                  parent=tree["city"])
    town = region_get_or_create(code="990103001", name="第二县第1镇", level="township",
                                parent=county)
    village = region_get_or_create(code="990103001001", name="第二县第1村", level="village",
                                   parent=town, area_type="urban")
    rng = random.Random(3)
    used: set[str] = set()
    for n in range(65):
        place = village if n >= 40 else (tree["village1"] if n % 2 else tree["village2"])
        household_register(actor=SYSTEM, data=household_demo_dict(
            rng, household_id=f"S{n:03d}", village=place, sequence=n, used_ids=used))
    yield {**tree, "county2": county, "village3": village}
    monkeypatch.undo()
    parameters.clear_caches()


@pytest.fixture
def approver(tree):
    from jiuzhu.testing import UserFactory

    return UserFactory(role="county_approver", region=tree["province"])


def _engine_standings() -> dict[int, tuple]:
    households = list(Household.objects.filter(status="active").order_by("pk"))
    result = assess_arrays(batch_from_households([household_snapshot(h, on=ON)
                                                  for h in households]))
    return {h.pk: (bool(result.eligible[i]), int(result.benefit[i]), int(result.per_capita[i]),
                   int(result.circle[i]), int(result.index[i]), int(result.vetoes[i]))
            for i, h in enumerate(households)}


def _standings() -> dict[int, tuple]:
    return {s.pk: (s.eligible, s.benefit_fen, s.per_capita_fen, s.circle, s.index_hundredths,
                   s.vetoes) for s in Standing.objects.all()}


def _run_queued(backend, seen: list[int]) -> None:
    """Run what the workers would take, as they would (one task after another; a task that
    raises is recorded as failed by the worker, which goes on with the next)."""
    while backend.results:
        result = backend.results.pop(0)
        seen.append(result.kwargs["run_id"])
        with contextlib.suppress(RuntimeError):
            batch_run_task.call(**result.kwargs)


def test_a_province_batch_is_one_task_per_county(two_counties, tree):
    from django_tasks import default_task_backend

    run = batch_create(actor=SYSTEM, region=tree["province"], on=ON, chunk_size=6)
    parts = list(run.parts.order_by("region__code"))
    assert [p.region.code for p in parts] == ["990102", "990103"]
    assert [p.total for p in parts] == [40, 25] and run.total == 65
    with override_settings(TASKS=DUMMY):
        backend = default_task_backend
        batch_run_task.enqueue(run_id=run.pk)
        seen: list[int] = []
        first = backend.results.pop(0)
        batch_run_task.call(**first.kwargs)  # the run's task queues its parts
        assert sorted(r.kwargs["run_id"] for r in backend.results) == [p.pk for p in parts]
        run.refresh_from_db()
        assert run.status == "running" and run.processed == 0
        # the smaller county first: the order the workers take them does not matter
        backend.results.sort(key=lambda r: -r.kwargs["run_id"])
        _run_queued(backend, seen)
    run.refresh_from_db()
    assert run.status == "done" and run.processed == run.total == 65
    assert all(p.status == "done" for p in run.parts.all())
    assert sum(p.processed for p in run.parts.all()) == run.processed
    assert _standings() == _engine_standings()
    assert set(run.timings) >= {"read_households", "read_members", "engine", "write"}
    # one line on the batch page, not one per county
    assert [r.pk for r in batch_runs_visible_to(SYSTEM)] == [run.pk]


def test_the_split_gives_what_one_run_gives(two_counties, tree):
    batch_execute(run=batch_create(actor=SYSTEM, region=tree["city"], on=ON, chunk_size=7))
    split = _standings()
    Standing.objects.all().delete()
    for county in (tree["county"], two_counties["county2"]):  # a county is never split
        run = batch_create(actor=SYSTEM, region=county, on=ON, chunk_size=1000)
        assert not run.parts.exists()
        batch_execute(run=run)
    assert _standings() == split and len(split) == 65


def test_progress_is_the_sum_of_the_parts(two_counties, tree):
    run = batch_create(actor=SYSTEM, region=tree["province"], on=ON, chunk_size=10)
    seen: list[tuple[int, int]] = []

    def progress(r: BatchRun) -> None:
        parts = list(BatchRun.objects.filter(parent=r).values_list("processed", flat=True))
        seen.append((r.processed, sum(parts)))

    batch_execute(run=run, progress=progress)
    assert seen and all(whole == parts for whole, parts in seen)
    assert [whole for whole, _parts in seen] == sorted({whole for whole, _parts in seen})
    assert seen[-1] == (65, 65)


def test_a_failed_part_resumes_from_its_cursor(two_counties, tree, approver, monkeypatch):
    from django_tasks import default_task_backend

    from jiuzhu.assessments import services

    run = batch_create(actor=SYSTEM, region=tree["province"], on=ON, chunk_size=10)
    real = services.standings_write
    calls = {"n": 0}

    def dies_on_third_chunk(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "standings_write", dies_on_third_chunk)
    with override_settings(TASKS=DUMMY):
        backend = default_task_backend
        batch_run_task.enqueue(run_id=run.pk)
        _run_queued(backend, [])
    run.refresh_from_db()
    big = run.parts.get(region=tree["county"])
    small = run.parts.get(region=two_counties["county2"])
    # the larger county goes first: two chunks saved, the third failed; the other finished
    assert (big.status, big.processed, small.status, small.processed) == ("failed", 20,
                                                                          "done", 25)
    assert run.status == "failed" and "示范县" in run.error and "worker killed" in run.error
    assert run.processed == 45 == Standing.objects.count()
    monkeypatch.setattr(services, "standings_write", real)
    with override_settings(TASKS=DUMMY):
        backend = default_task_backend
        assert batch_resume(actor=approver, run=run) is True
    with override_settings(TASKS=DUMMY):
        backend = default_task_backend
        batch_run_task.enqueue(run_id=run.pk)
        seen: list[int] = []
        _run_queued(backend, seen)
    assert seen == [run.pk, big.pk]  # only the unfinished part is queued again
    run.refresh_from_db()
    big.refresh_from_db()
    assert run.status == "done" and run.processed == 65 and big.processed == 40
    assert _standings() == _engine_standings()


def test_a_part_running_in_a_live_worker_is_not_taken_twice(two_counties, tree):
    from django.utils import timezone

    run = batch_create(actor=SYSTEM, region=tree["province"], on=ON)
    part = run.parts.get(region=tree["county"])
    BatchRun.objects.filter(pk=part.pk).update(status="running", heartbeat_at=timezone.now())
    assert batch_run_task.call(run_id=part.pk) == 0
    assert not Standing.objects.exists()
    # silent for longer than JOB_STALE_MINUTES: its worker died, another takes it
    BatchRun.objects.filter(pk=part.pk).update(
        heartbeat_at=timezone.now() - timedelta(days=1))
    assert batch_run_task.call(run_id=part.pk) == 40
