"""The ledger's invariant under any sequence of operations (hypothesis): after every step,
the sum over all accounts is 0, each account's balance = its entries (credits − debits),
no holder balance or stock is below zero, the holders' balances sum to issued − redeemed
(and the summary says so), every issue names an order and every redemption entry its
redemption — and a refused operation changed nothing."""

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.points import selectors, services
from jiuzhu.points.choices import HOLDER_KINDS, EntryKind
from jiuzhu.points.models import Good, PointAccount, PointEntry, Redemption, StockMove

OPS = ("issue", "transfer", "redeem", "donate")


class Rollback(Exception):
    pass


def snapshot():
    return (list(PointAccount.objects.order_by("pk").values_list("pk", "balance")),
            list(Good.objects.order_by("pk").values_list("pk", "stock")),
            PointEntry.objects.count(), StockMove.objects.count(), Redemption.objects.count())


def check() -> None:
    accounts = list(PointAccount.objects.all())
    assert sum(a.balance for a in accounts) == 0
    for account in accounts:
        assert account.balance == selectors.computed_balance(account)
        if account.kind in HOLDER_KINDS:
            assert account.balance >= 0
    assert not Good.objects.filter(stock__lt=0).exists()
    issued = PointEntry.objects.filter(kind=EntryKind.ISSUE).aggregate(s=Sum("amount"))["s"] or 0
    redeemed = (PointEntry.objects.filter(kind=EntryKind.REDEEM)
                .aggregate(s=Sum("amount"))["s"] or 0)
    holders = sum(a.balance for a in accounts if a.kind in HOLDER_KINDS)
    assert holders == issued - redeemed
    assert selectors.summary(SYSTEM) == {"issued": issued, "redeemed": redeemed,
                                         "balances_total": holders}
    assert not PointEntry.objects.filter(kind=EntryKind.ISSUE, order_id__isnull=True).exists()
    assert not PointEntry.objects.filter(kind=EntryKind.REDEEM, redemption__isnull=True).exists()
    for redemption in Redemption.objects.all():
        assert redemption.total == redemption.entry.amount == sum(
            m.points for m in redemption.lines.all())


@pytest.fixture
def world(tree, reviewer, volunteer, other_volunteer, household, other_household):
    rice = services.add_good(actor=reviewer, region=tree["village1"], name="大米", price=30)
    oil = services.add_good(actor=reviewer, region=tree["village1"], name="食用油", price=7)
    return {"volunteers": [volunteer, other_volunteer],
            "families": [services.family_account(household),
                         services.family_account(other_household)],
            "goods": [rice, oil], "reviewer": reviewer, "tree": tree}


def step(op, a, b, n, world, order):
    vols = list(PointAccount.objects.filter(kind="volunteer").order_by("pk"))
    if op == "issue":
        user = world["volunteers"][a % 2]
        services.issue_for_service(actor=SYSTEM, order_id=order, provider_key=f"provider:{a % 2}",
                                   volunteer_user=user, region=world["tree"]["village1"],
                                   minutes=n * 7)
    elif op == "transfer":
        if not vols:
            return
        source = vols[a % len(vols)]
        services.transfer(actor=source.user, source=source,
                          target=world["families"][b % 2], amount=n)
    elif op == "redeem":
        holders = world["families"] + vols
        good = world["goods"][b % 2]
        services.redeem(actor=world["reviewer"], account=holders[a % len(holders)].pk,
                        lines=[(good, 1 + n % 4)])
    else:
        services.donate_goods(actor=world["reviewer"], good=world["goods"][a % 2],
                              quantity=1 + n % 5, donor="爱心人士")


operations = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 3), st.integers(0, 3),
                                st.integers(1, 120)), min_size=1, max_size=20)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_the_invariant_holds_after_any_sequence(world, ops):
    try:
        with transaction.atomic():
            for i, (op, a, b, n) in enumerate(ops):
                before = snapshot()
                try:
                    step(op, a, b, n, world, order=1 + i % 5)  # repeated orders: idempotent
                except ServiceError:
                    assert snapshot() == before  # a refusal changed nothing
                check()
            raise Rollback
    except Rollback:
        pass
