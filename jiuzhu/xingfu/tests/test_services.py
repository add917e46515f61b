"""The order's life: accept (exactly once), check in and out, confirm and rate → points."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.points import services as points_services
from jiuzhu.points.models import PointEntry
from jiuzhu.xingfu import services
from jiuzhu.xingfu.models import Order

from .conftest import make_provider, need_data, provider_user


@pytest.mark.django_db
def test_accept_check_in_out_confirm_issues_points(tree, household, window_worker, volunteer,
                                                   grid_worker, other_household):
    need = services.need_create(actor=window_worker, data=need_data(household))
    assert need.state == "offered"
    order = services.accept(actor=volunteer, need=need)
    assert order.provider.user == volunteer
    start = timezone.now()
    services.order_act(actor=volunteer, order=order, action="check_in",
                       data={"latitude": "40.1", "longitude": "116.3"}, now=start)
    done = services.order_act(actor=volunteer, order=order, action="check_out",
                              now=start + timedelta(minutes=95))
    assert done.minutes == 95 and done.half_hours == 3 and done.need.state == "done"
    # the volunteer cannot confirm their own service
    with pytest.raises(ServiceError) as refused:
        services.order_act(actor=volunteer, order=order, action="confirm", data={"rating": 5})
    assert refused.value.status == 403
    # a rating outside 1–5 is refused naming it, nothing changes
    with pytest.raises(ServiceError) as refused:
        services.order_act(actor=grid_worker, order=order, action="confirm", data={"rating": 6})
    assert refused.value.status == 422 and refused.value.errors[0]["path"] == "rating"
    confirmed = services.order_act(actor=grid_worker, order=order, action="confirm",
                                   data={"rating": 4, "comment": "很细心"})
    assert confirmed.need.state == "confirmed" and confirmed.confirmed_by == grid_worker
    assert confirmed.points == 15  # 3 half hours at 10 points an hour
    assert PointEntry.objects.get(order_id=order.pk).amount == 15
    confirmed.provider.refresh_from_db()
    assert confirmed.provider.rating == 4 and confirmed.provider.ratings == 1
    assert AuditEvent.objects.filter(object_type="xingfu.serviceneed",
                                     object_id=str(need.pk)).count() >= 5
    # 转赠: the volunteer may now give points to this family (served), to no other
    account = PointEntry.objects.get(order_id=order.pk).credit
    assert points_services.served_household_ids(account) == {household.pk}
    assert [h.pk for h in points_services.served_families(account)] == [household.pk]
    points_services.transfer(actor=volunteer, source=account, target=household, amount=5)
    with pytest.raises(ServiceError) as refused:
        points_services.transfer(actor=volunteer, source=account, target=other_household,
                                 amount=5)
    assert refused.value.errors[0]["path"] == "target"


@pytest.mark.django_db
def test_the_second_accept_is_refused_and_a_late_offer_too(tree, household, window_worker,
                                                           volunteer, volunteers_org):
    second = provider_user("vol2", tree, volunteers_org)
    make_provider(tree, name="第二位", user=second)
    need = services.need_create(actor=window_worker, data=need_data(household))
    services.accept(actor=volunteer, need=need)
    with pytest.raises(ServiceError) as refused:
        services.accept(actor=second, need=need)
    assert refused.value.status == 409
    assert Order.objects.filter(need=need).count() == 1
    assert set(need.offers.values_list("answer", flat=True)) == {"accepted", "taken"}


@pytest.mark.django_db
def test_an_expired_offer_cannot_be_accepted(tree, household, window_worker, volunteer):
    need = services.need_create(actor=window_worker, data=need_data(household))
    with pytest.raises(ServiceError) as refused:
        services.accept(actor=volunteer, need=need, now=timezone.now() + timedelta(hours=25))
    assert refused.value.status == 409 and not Order.objects.exists()


@pytest.mark.django_db
def test_declining_all_of_a_round_rolls_at_once(tree, household, window_worker, volunteer):
    need = services.need_create(actor=window_worker, data=need_data(household))
    services.need_act(actor=volunteer, need=need, action="decline", data={"reason": "没空"})
    need.refresh_from_db()
    assert need.state == "back_to_staff"


@pytest.mark.django_db
def test_staff_cannot_accept_and_an_other_provider_sees_nothing(tree, household, window_worker,
                                                                volunteer, other_org):
    need = services.need_create(actor=window_worker, data=need_data(household))
    with pytest.raises(ServiceError) as refused:
        services.accept(actor=window_worker, need=need)
    assert refused.value.status == 403
    stranger = provider_user("stranger", tree, other_org)
    make_provider(tree, name="没派到的", user=stranger, skills=("meals",))
    with pytest.raises(ServiceError) as refused:
        services.accept(actor=stranger, need=need)
    assert refused.value.status == 404


@pytest.mark.django_db(transaction=True)
def test_exactly_once_under_concurrent_accepts(tree, household, window_worker, volunteers_org):
    """Five providers accept at the same instant: one order, four 409s (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    users = [provider_user(f"racer{n}", tree, volunteers_org) for n in range(5)]
    for n, user in enumerate(users):
        make_provider(tree, name=f"抢单{n}", user=user)
    need = services.need_create(actor=window_worker, data=need_data(household))
    assert need.offers.count() == 5
    barrier = threading.Barrier(len(users))
    results: list[str] = []
    lock = threading.Lock()

    def race(user):
        try:
            barrier.wait()
            services.accept(actor=user, need=need.pk)
            outcome = "ok"
        except ServiceError as error:
            outcome = str(error.status)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=race, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["409"] * 4 + ["ok"]
    assert Order.objects.filter(need_id=need.pk).count() == 1
    assert need.offers.filter(answer="accepted").count() == 1
