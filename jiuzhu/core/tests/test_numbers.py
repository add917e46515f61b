"""Counter rows: sequential, seeded from what is stored, given back on rollback, and never
the same value twice when many take one at once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from jiuzhu.core.models import Counter
from jiuzhu.core.numbers import QUERY_ALPHABET, counter_next, next_number, query_code


@pytest.mark.django_db
def test_a_counter_counts_from_its_start_and_gives_back_on_rollback():
    assert [counter_next("a") for _ in range(3)] == [1, 2, 3]
    assert counter_next("b", start=lambda: 41) == 42
    assert counter_next("b", start=lambda: 0) == 43  # the start only seeds a new series
    with pytest.raises(RuntimeError), transaction.atomic():
        assert counter_next("a") == 4
        raise RuntimeError("the numbered row was not stored")
    assert counter_next("a") == 4
    assert Counter.objects.get(key="a").value == 4


@pytest.mark.django_db
def test_next_number_continues_after_the_numbers_stored_before_the_counter(tree):
    from jiuzhu.intake.models import Request
    from jiuzhu.intake.services import request_submit_online

    def submit():
        return request_submit_online(household_data={"region_code": tree["village1"].code},
                                     applicant={"name": "赵网办"}, items=["JY02"])

    first = submit()
    prefix = first.number[:-5]
    assert first.number == f"{prefix}00001"
    Counter.objects.filter(key=f"intake.request:{prefix}").delete()  # as before the counters
    assert submit().number == f"{prefix}00002"
    assert next_number(Request, prefix) == f"{prefix}00003"


@pytest.mark.django_db
def test_query_codes_use_the_alphabet(window_worker):
    from jiuzhu.intake.models import Request

    code = query_code(Request)
    assert len(code) == 8 and set(code) <= set(QUERY_ALPHABET)


@pytest.mark.django_db(transaction=True)
def test_ten_takers_of_a_new_series_at_once_get_one_to_ten():
    if connection.vendor != "postgresql":
        pytest.skip("races between concurrent transactions need PostgreSQL (row locks); "
                    "SQLite runs one writing transaction at a time")
    barrier = threading.Barrier(10)
    values: list[object] = []

    def take() -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                values.append(counter_next("new-series"))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            values.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(values) == list(range(1, 11)), values
