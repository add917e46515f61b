"""The ledger's invariant under any sequence of operations (hypothesis): after every step,
``balance_fen`` = Σ entries by the formula, ``committed_fen`` = the open commitments, and
the available amount is never below zero — whatever was refused along the way."""

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.funds import selectors, services
from jiuzhu.funds.choices import EntryKind
from jiuzhu.funds.models import Fund, LedgerEntry

DAY = date(2026, 3, 2)
OPS = ("income", "allocate", "commit", "pay", "release", "recover", "reverse")


class Rollback(Exception):
    pass


def check(fund: Fund) -> None:
    fund = Fund.objects.get(pk=fund.pk)
    assert fund.balance_fen == selectors.computed_balance_fen(fund)
    assert fund.committed_fen == selectors.computed_committed_fen(fund)
    assert fund.committed_fen >= 0
    assert fund.balance_fen - fund.committed_fen >= 0


def snapshot() -> tuple[int, list[tuple[int, int]]]:
    return (LedgerEntry.objects.count(),
            list(Fund.objects.order_by("pk").values_list("balance_fen", "committed_fen")))


def step(op: str, which: int, amount: int, pick: int, funds: list[Fund], tree) -> None:
    fund = funds[which % len(funds)]
    if op == "income":
        services.record_income(actor=SYSTEM, fund=fund, amount_fen=amount, source="fiscal",
                               on=DAY, voucher="V")
    elif op == "allocate":
        services.allocate(actor=SYSTEM, fund=funds[0], reserve=funds[1], amount_fen=amount,
                          on=DAY, voucher="V")
    elif op == "commit":
        services.commit(actor=SYSTEM, fund=fund, amount_fen=amount, case_id=1 + pick % 3,
                        township=tree["town1"], level="red")
    elif op == "recover":
        services.recover(actor=SYSTEM, fund=fund, amount_fen=amount, on=DAY, voucher="V")
    else:
        kinds = {"pay": [EntryKind.COMMITMENT], "release": [EntryKind.COMMITMENT],
                 "reverse": list(EntryKind)}[op]
        candidates = list(LedgerEntry.objects.filter(kind__in=kinds).order_by("pk"))
        if not candidates:
            return
        entry = candidates[pick % len(candidates)]
        if op == "pay":
            services.pay(actor=SYSTEM, commitment=entry, payee="甲", method="bank",
                         voucher="V")
        elif op == "release":
            services.release(actor=SYSTEM, commitment=entry, reason="撤销")
        else:
            services.reverse(actor=SYSTEM, entry=entry, reason="更正")


operations = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 1),
                                st.integers(1, 5_000), st.integers(0, 50)),
                      min_size=1, max_size=25)


@pytest.fixture
def pair(tree):
    county = services.fund_create(actor=SYSTEM, name="县基金", region=tree["county"])
    town = services.fund_create(actor=SYSTEM, name="镇备用金", region=tree["town1"],
                                kind="reserve", parent=county)
    return [county, town]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_the_fund_rows_match_the_entries_after_any_sequence(pair, tree, ops):
    try:
        with transaction.atomic():
            for op, which, amount, pick in ops:
                before = snapshot()
                try:
                    step(op, which, amount, pick, pair, tree)
                except ServiceError:
                    assert snapshot() == before  # a refusal changed nothing
                for fund in pair:
                    check(fund)
            raise Rollback
    except Rollback:
        pass
