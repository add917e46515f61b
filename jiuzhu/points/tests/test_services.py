"""The points services: issue (idempotent per order, half hours), transfer, redeem (points
and stock in one transaction), donations, goods; refusals change nothing; append-only."""

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.points import selectors, services
from jiuzhu.points.choices import AccountKind, EntryKind
from jiuzhu.points.models import Good, PointAccount, PointEntry, Redemption, StockMove

pytestmark = pytest.mark.django_db


def snapshot():
    return (list(PointAccount.objects.order_by("pk").values_list("pk", "balance")),
            list(Good.objects.order_by("pk").values_list("pk", "stock", "price")),
            PointEntry.objects.count(), StockMove.objects.count(), Redemption.objects.count())


def test_points_for_minutes_counts_whole_half_hours():
    assert services.points_for_minutes(95) == 15
    assert services.points_for_minutes(29) == 0
    assert services.points_for_minutes(60) == 10
    assert services.points_for_minutes(89, 12) == 12


def test_issue_is_idempotent_per_order(tree, volunteer):
    entry = services.issue_for_service(actor=SYSTEM, order_id=7, provider_key="provider:3",
                                       volunteer_user=volunteer, region=tree["village1"],
                                       minutes=95)
    assert entry is not None and entry.amount == 15 and entry.kind == EntryKind.ISSUE
    assert entry.credit.user == volunteer and entry.credit.kind == AccountKind.VOLUNTEER
    assert entry.debit.kind == AccountKind.ISSUER and entry.debit.balance == -15
    before = snapshot()
    again = services.issue_for_service(actor=SYSTEM, order_id=7, provider_key="provider:3",
                                       volunteer_user=volunteer, region=tree["village1"],
                                       minutes=300)
    assert again == entry and snapshot() == before
    assert AuditEvent.objects.filter(detail__step="issue").count() == 1


def test_issue_rate_is_a_setting_per_county(tree, settings):
    settings.POINTS_PER_HOUR_BY_COUNTY = {tree["county"].code: 20}
    entry = services.issue_for_service(actor=SYSTEM, order_id=8, provider_key="provider:9",
                                       provider_name="示范县家政公司", region=tree["town2"],
                                       minutes=60)
    assert entry is not None and entry.amount == 20 and entry.credit.name == "示范县家政公司"


def test_issue_under_half_an_hour_and_without_order_writes_nothing(tree):
    assert services.issue_for_service(actor=SYSTEM, order_id=9, provider_key="p",
                                      region=tree["village1"], minutes=20) is None
    with pytest.raises(ServiceError) as err:
        services.issue_for_service(actor=SYSTEM, order_id=None, provider_key="p",
                                   region=tree["village1"], minutes=60)
    assert err.value.errors[0]["path"] == "order_id"
    assert PointEntry.objects.count() == 0


def test_transfer_by_volunteer_and_refused_when_short(tree, volunteer, household, issued):
    family = services.family_account(household)
    entry = services.transfer(actor=volunteer, source=issued.credit, target=family, amount=50)
    assert entry.amount == 50
    family.refresh_from_db()
    assert family.balance == 50 and selectors.computed_balance(family) == 50
    before = snapshot()
    with pytest.raises(ServiceError) as err:
        services.transfer(actor=volunteer, source=issued.credit, target=family, amount=71)
    assert "余额 70" in err.value.message and err.value.status == 409
    assert snapshot() == before


def test_transfer_from_someone_elses_account_is_refused(tree, other_volunteer, household, issued):
    family = services.family_account(household)
    before = snapshot()
    with pytest.raises(ServiceError) as err:
        services.transfer(actor=other_volunteer, source=issued.credit, target=family, amount=1)
    assert err.value.status in (403, 404)
    assert snapshot() == before


def test_redeem_takes_points_and_stock(tree, reviewer, volunteer, household, issued, goods):
    family = services.family_account(household)
    services.transfer(actor=volunteer, source=issued.credit, target=family, amount=100)
    redemption = services.redeem(actor=reviewer, account=family,
                                 lines=[(goods["rice"], 2), {"good": goods["oil"].pk,
                                                             "quantity": 1}])
    assert redemption.total == 80
    family.refresh_from_db()
    goods["rice"].refresh_from_db()
    assert family.balance == 20 and goods["rice"].stock == 3
    assert redemption.lines.count() == 2 and redemption.entry.kind == EntryKind.REDEEM
    assert selectors.summary(SYSTEM) == {"issued": 120, "redeemed": 80, "balances_total": 40}


def test_redeem_refused_when_points_short_changes_nothing(tree, reviewer, volunteer, household,
                                                          issued, goods):
    family = services.family_account(household)
    services.transfer(actor=volunteer, source=issued.credit, target=family, amount=50)
    before = snapshot()
    with pytest.raises(ServiceError) as err:
        services.redeem(actor=reviewer, account=family, lines=[(goods["rice"], 2)])
    assert "积分余额 50，不足 60" in err.value.message
    assert err.value.errors[0]["path"] == "account"
    assert snapshot() == before


def test_redeem_refused_when_stock_short_changes_nothing(tree, reviewer, issued, goods):
    before = snapshot()
    with pytest.raises(ServiceError) as err:
        services.redeem(actor=reviewer, account=issued.credit, lines=[(goods["oil"], 3)])
    assert "食用油库存 2桶，不足 3桶" in err.value.message
    assert err.value.errors[0]["path"] == "lines[0].quantity"
    assert snapshot() == before


def test_redeem_refused_when_both_short_names_both(tree, reviewer, household, goods):
    family = services.family_account(household)
    with pytest.raises(ServiceError) as err:
        services.redeem(actor=reviewer, account=family, lines=[(goods["oil"], 3)])
    paths = [e["path"] for e in err.value.errors]
    assert paths == ["account", "lines[0].quantity"]


def test_redeem_by_other_township_is_not_found(tree, issued, goods):
    from jiuzhu.testing import UserFactory

    other = UserFactory(username="rev2", role="township_reviewer", region=tree["town2"])
    with pytest.raises(ServiceError) as err:
        services.redeem(actor=other, account=issued.credit, lines=[(goods["rice"], 1)])
    assert err.value.status == 404


def test_donation_needs_a_donor_and_goods_a_unique_name(tree, reviewer, goods):
    before = snapshot()
    with pytest.raises(ServiceError) as err:
        services.donate_goods(actor=reviewer, good=goods["rice"], quantity=3, donor=" ")
    assert err.value.errors[0]["path"] == "donor"
    with pytest.raises(ServiceError) as err:
        services.add_good(actor=reviewer, region=tree["village1"], name="大米", price=3)
    assert err.value.errors[0]["path"] == "name"
    assert snapshot() == before
    move = services.donate_goods(actor=reviewer, good=goods["rice"], quantity=3, kind="purchase")
    assert move.is_in and Good.objects.get(pk=goods["rice"].pk).stock == 8


def test_set_price(tree, reviewer, goods):
    services.set_price(actor=reviewer, good=goods["rice"], price=35)
    assert Good.objects.get(pk=goods["rice"].pk).price == 35
    with pytest.raises(ServiceError):
        services.set_price(actor=reviewer, good=goods["rice"], price=0)


def test_entries_are_append_only(issued):
    with pytest.raises(PermissionError):
        issued.save()
    with pytest.raises(PermissionError):
        issued.delete()
    with pytest.raises(PermissionError):
        PointEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        PointEntry.objects.update(amount=1)


def test_issue_accepts_the_designs_provider_and_half_hours(tree, volunteer):
    class Provider:
        pk = 42
        name = "魏佳"
        user = volunteer
        region = tree["town1"]

    entry = services.issue_for_service(order_id=11, provider=Provider(), hours_half=3)
    assert entry is not None and entry.amount == 15 and entry.credit.holder_key == "provider:42"
    assert entry.minutes == 90 and entry.credit.user == volunteer
