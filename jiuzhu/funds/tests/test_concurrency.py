"""Two commitments at the same moment on PostgreSQL: each fits the available amount, both
together do not — exactly one passes (the fund row's lock), the other is refused with the
available amount, and the fund row still matches its entries. SQLite runs one writing
transaction at a time, so the race cannot happen there."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.funds import selectors, services
from jiuzhu.funds.models import Fund, LedgerEntry
from jiuzhu.testing import UserFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("races between concurrent transactions need PostgreSQL (row locks); "
                    "SQLite runs one writing transaction at a time")


def at_once(work: Callable[[int], object], count: int) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.parametrize("count", [2, 8])
def test_commitments_at_the_same_moment_cannot_both_pass(tree, count):
    reviewer = UserFactory(username="reviewer1", role="township_reviewer", region=tree["town1"])
    county = services.fund_create(actor=SYSTEM, name="县基金", region=tree["county"])
    reserve = services.fund_create(actor=SYSTEM, name="镇备用金", region=tree["town1"],
                                   kind="reserve", parent=county)
    services.record_income(actor=SYSTEM, fund=county, amount_fen=1_000, source="fiscal",
                           on=DAY, voucher="V")
    services.allocate(actor=SYSTEM, fund=county, reserve=reserve, amount_fen=1_000, on=DAY,
                      voucher="V")

    def work(index: int) -> object:
        fund = Fund.objects.get(pk=reserve.pk)  # each thread read the fund before the race
        return services.commit(actor=reviewer, fund=fund, amount_fen=600, case_id=index + 1)

    results = at_once(work, count)
    passed = [r for r in results if isinstance(r, LedgerEntry)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(passed) == 1, results
    assert len(refused) == count - 1
    assert all(r.code == ErrorCode.INSUFFICIENT_FUNDS and r.extra == {"available": "4.00"}
               for r in refused)
    fund = Fund.objects.get(pk=reserve.pk)
    assert (fund.balance_fen, fund.committed_fen) == (1_000, 600)
    assert fund.committed_fen == selectors.computed_committed_fen(fund)
