"""The columnar read of batch re-assessment (binary COPY on PostgreSQL, fetchall on SQLite)
gives the arrays of the household dicts, on whichever database the tests run
(``DATABASE_URL=postgres://…`` for PostgreSQL), and its standings are the engine's."""

import random
from dataclasses import fields
from datetime import date

import numpy as np
import pytest

from jiuzhu.assessments.columnar import read_chunk
from jiuzhu.assessments.loader import load_chunk
from jiuzhu.assessments.models import Standing
from jiuzhu.assessments.services import (
    batch_create,
    batch_execute,
    household_snapshot,
    standings_binary,
)
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.demo import household_demo_dict
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.rules.batch import HouseholdBatch, batch_from_households, concatenate_batches
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.synthetic import generate, to_dicts

ON = date(2026, 3, 1)


@pytest.fixture
def registry(tree):
    """Demo households and synthetic ones (every vehicle kind, supporters, decimals, every
    enum), in both townships, with an inactive household and a staged one among them."""
    rng = random.Random(11)
    used: set[str] = set()
    made = []
    synthetic = to_dicts(generate(40, seed=5))
    for n in range(70):
        village = tree["village1"] if n % 3 else tree["village2"]
        if n % 2:
            data = household_demo_dict(rng, household_id=f"C{n:03d}", village=village,
                                       sequence=n, used_ids=used)
        else:
            data = {**synthetic[n // 2], "household_id": f"C{n:03d}",
                    "region_code": village.code}
        made.append(household_register(actor=SYSTEM, data=data))
    Household.objects.filter(pk=made[10].pk).update(status="inactive")
    # staged by an import not yet published: invisible to the read as to every query
    Household.all_objects.filter(pk=made[20].pk).update(staged_by=99)
    return made


def _expected(households, region) -> HouseholdBatch:
    chosen = [h for h in Household.objects.within(region).filter(status="active").order_by("pk")
              if h in households]
    return batch_from_households([household_snapshot(h, on=ON) for h in chosen])


def _assert_same(got: HouseholdBatch, expected: HouseholdBatch) -> None:
    for f in fields(HouseholdBatch):
        a, b = getattr(got, f.name), getattr(expected, f.name)
        assert a.dtype == b.dtype, f.name
        assert np.array_equal(a, b), f.name


@pytest.mark.parametrize("region_name", ["county", "town1"])
def test_columnar_read_gives_the_arrays_of_the_household_dicts(registry, tree, region_name):
    region = tree[region_name]
    expected = _expected(registry, region)
    whole = read_chunk(path_prefix=region.path, after_pk=0, limit=1000, assessment_date=ON)
    _assert_same(whole.batch, expected)
    assert set(whole.timings) == {"read_households", "read_members", "read_supporters",
                                  "read_vehicles", "build"}
    # chunk by chunk from a cursor, as a run reads: the same arrays
    parts, cursor = [], 0
    while True:
        chunk = read_chunk(path_prefix=region.path, after_pk=cursor, limit=7, assessment_date=ON)
        if len(chunk.household_pks) == 0:
            break
        parts.append(chunk.batch)
        cursor = int(chunk.household_pks[-1])
    _assert_same(concatenate_batches(parts), expected)
    # and what the row-by-row loader read
    _assert_same(load_chunk(path_prefix=region.path, after_pk=0, limit=1000,
                            assessment_date=ON).batch, expected)


def test_an_unknown_enum_value_is_refused(registry, tree):
    from jiuzhu.households.models import Member

    Member.objects.filter(household=registry[1]).update(health="broken_leg")
    with pytest.raises(ValueError, match="health"):
        read_chunk(path_prefix=tree["county"].path, after_pk=0, limit=1000, assessment_date=ON)


def test_batch_standings_are_the_engines(registry, tree):
    run = batch_create(actor=SYSTEM, region=tree["county"], on=ON, chunk_size=9)
    batch_execute(run=run)
    run.refresh_from_db()
    assert run.status == "done" and run.processed == 68
    assert set(run.timings) == {"read_households", "read_members", "read_supporters",
                                "read_vehicles", "build", "engine", "write", "commit"}
    expected_batch = _expected(registry, tree["county"])
    result = assess_arrays(expected_batch)
    pks = [h.pk for h in Household.objects.filter(status="active").order_by("pk")]
    rows = {s.pk: s for s in Standing.objects.all()}
    assert sorted(rows) == pks
    households = {h.pk: h for h in Household.objects.all()}
    for i, pk in enumerate(pks):
        s = rows[pk]
        assert (s.eligible, s.benefit_fen, s.per_capita_fen, s.circle, s.index_hundredths,
                s.vetoes) == (bool(result.eligible[i]), int(result.benefit[i]),
                              int(result.per_capita[i]), int(result.circle[i]),
                              int(result.index[i]), int(result.vetoes[i]))
        assert s.parameters_effective == result.parameter_sets[
            int(result.parameter_set_index[i])].effective
        assert s.region_path == households[pk].region_path and s.assessment_date == ON


def test_binary_standings_have_the_copy_layout():
    batch = generate(5)
    result = assess_arrays(batch)
    data = standings_binary(np.arange(1, 6, dtype=np.int64), result)
    assert data.startswith(b"PGCOPY\n\xff\r\n\x00") and data.endswith(b"\xff\xff")
    row = 2 + 8 * 4 + 8 + 4 + 1 + 8 + 8 + 2 + 4 + 4
    assert len(data) == 19 + 5 * row + 2
    first = data[19:19 + row]
    assert int.from_bytes(first[:2], "big") == 8
    assert int.from_bytes(first[2:6], "big") == 8 and int.from_bytes(first[6:14], "big") == 1
