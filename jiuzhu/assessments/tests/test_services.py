import random
from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.assessments.models import Assessment, BatchRun, Standing
from jiuzhu.assessments.selectors import circle_counts, ranking
from jiuzhu.assessments.services import (
    assessment_reproduce,
    assessment_run,
    batch_create,
    batch_execute,
    input_hash,
)
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.demo import household_demo_dict
from jiuzhu.households.services import household_register

ON = date(2026, 3, 1)


@pytest.fixture
def varied(window_worker, tree):
    """Sixty realistic households of every kind in township 1's village."""
    rng = random.Random(7)
    used: set[str] = set()
    return [household_register(actor=window_worker, data=household_demo_dict(
        rng, household_id=f"V{n:03d}", village=tree["village1"], sequence=n, used_ids=used))
        for n in range(60)]


def test_a_stored_assessment_can_be_reproduced(window_worker, varied):
    record = assessment_run(actor=window_worker, household=varied[0], on=ON)
    assert record.input_hash == input_hash(record.input_snapshot)
    assert record.input_snapshot["assessment_date"] == "2026-03-01"
    assert record.parameters_effective.isoformat() == record.result["parameters_effective"]
    assert record.rules_version.startswith("rules-")
    again = assessment_reproduce(assessment=record)
    assert {k: v for k, v in again.items()} == record.result
    standing = Standing.objects.get(household=varied[0])
    assert standing.benefit_fen == int(record.benefit_monthly * 100)


def test_batch_and_single_paths_agree(window_worker, varied, tree):
    run = batch_create(actor=SYSTEM, region=tree["town1"], on=ON, chunk_size=7)
    batch_execute(run=run)
    assert run.processed == len(varied) and run.status == "done"
    batch = {s.pk: (s.eligible, s.benefit_fen, s.per_capita_fen, s.circle, s.index_hundredths,
                    s.vetoes) for s in Standing.objects.all()}
    for household in varied:
        record = assessment_run(actor=window_worker, household=household, on=ON)
        single = (record.eligible, int(record.benefit_monthly * 100),
                  int(record.per_capita_monthly_income * 100), record.circle,
                  int(record.hardship_index * 100),
                  sum(1 << (int(c[1:]) - 1) for c in record.result["vetoes"]))
        assert batch[household.pk] == single, household.household_id
    assert len({v[3] for v in batch.values()}) >= 3  # several circles exercised


def test_an_interrupted_batch_resumes_without_repeating(window_worker, varied, tree,
                                                        monkeypatch):
    from jiuzhu.assessments import services

    run = batch_create(actor=SYSTEM, region=tree["county"], on=ON, chunk_size=25)
    real = services.standings_write
    calls = {"n": 0}

    def dies_on_second_chunk(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "standings_write", dies_on_second_chunk)
    with pytest.raises(RuntimeError):
        batch_execute(run=run)
    run.refresh_from_db()
    assert run.status == "failed" and run.processed == 25
    assert Standing.objects.count() == 25
    monkeypatch.setattr(services, "standings_write", real)
    batch_execute(run=BatchRun.objects.get(pk=run.pk))
    run.refresh_from_db()
    assert run.status == "done" and run.processed == 60
    assert Standing.objects.count() == 60


def test_ranking_puts_the_most_difficult_first(window_worker, varied, tree, other_window_worker):
    batch_execute(run=batch_create(actor=SYSTEM, region=tree["county"], on=ON))
    rows = list(ranking(user=window_worker))
    keys = [(-s.index_hundredths, s.per_capita_fen, s.household.household_id) for s in rows]
    # the vetoed (V01–V14) are listed apart, never in "most difficult first"
    vetoed = list(ranking(user=window_worker, circle="vetoed"))
    assert keys == sorted(keys) and len(rows) + len(vetoed) == 60 and vetoed
    assert all(s.vetoes == 0 for s in rows) and all(s.vetoes for s in vetoed)
    assert list(ranking(user=other_window_worker)) == []
    counts = circle_counts(user=window_worker, region=tree["town1"])
    assert counts[-1]["total"] == 60 and counts[-1]["vetoed"] == len(vetoed)


def test_a_batch_outside_ones_region_is_refused(other_window_worker, tree):
    from jiuzhu.core.errors import ServiceError

    with pytest.raises(ServiceError):
        batch_create(actor=other_window_worker, region=tree["town1"], on=ON)
    assert not BatchRun.objects.exists()


def test_assessment_records_keep_money_exact(window_worker, varied):
    record = assessment_run(actor=window_worker, household=varied[1], on=ON)
    stored = Assessment.objects.get(pk=record.pk)
    assert stored.benefit_monthly == Decimal(record.result["benefit_monthly"])
    assert stored.hardship_index == Decimal(record.result["hardship_index"])
