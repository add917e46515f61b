"""Matching exactly as the spec ranks (each criterion decides), rounds of 5, the 24-hour
roll to the next 5 and then back to staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.xingfu import services
from jiuzhu.xingfu.matching import available, haversine_km
from jiuzhu.xingfu.models import Offer, Order, ServiceNeed
from jiuzhu.xingfu.selectors import need_get
from jiuzhu.xingfu.workflow import candidates, roll_expired

from .conftest import make_provider, need_data, provider_user, window

pytestmark = pytest.mark.django_db


def names(need):
    return [c.provider.name for c in candidates(need)]


def draft(window_worker, household, **extra):
    return services.need_create(actor=window_worker, data=need_data(household, **extra),
                                publish=False)


def test_candidates_need_the_skill_and_to_serve_the_region(tree, household, window_worker):
    make_provider(tree, name="有技能", served=("village1",))
    make_provider(tree, name="无技能", skills=("meals",))
    make_provider(tree, name="不服务本村", served=("village2",))
    assert names(draft(window_worker, household)) == ["有技能"]


def test_distance_by_coordinates_decides_first(tree, household, window_worker):
    make_provider(tree, name="远", lat="40.00", lon="116.50", availability={})
    make_provider(tree, name="近但不空闲", lat="40.00", lon="116.31", availability={})
    make_provider(tree, name="最近", lat="40.00", lon="116.30")
    need = draft(window_worker, household, latitude="40.00", longitude="116.30")
    assert names(need) == ["最近", "近但不空闲", "远"]
    assert haversine_km(40, 116.30, 40, 116.31) == pytest.approx(0.85, abs=0.01)


def test_without_coordinates_village_then_township_then_farther(tree, household, window_worker):
    make_provider(tree, name="外乡镇", region="village2")
    make_provider(tree, name="同乡镇", region="town1")
    make_provider(tree, name="同村", region="village1")
    assert names(draft(window_worker, household)) == ["同村", "同乡镇", "外乡镇"]


def test_free_at_the_window_decides_next(tree, household, window_worker, volunteers_org):
    other_day = str((window()[0].weekday() + 1) % 7)
    make_provider(tree, name="别的日子有空", availability={other_day: [["08:00", "18:00"]]})
    make_provider(tree, name="随时有空")
    assert names(draft(window_worker, household)) == ["随时有空", "别的日子有空"]


def test_an_overlapping_order_makes_a_provider_not_free(tree, household, window_worker,
                                                        volunteers_org):
    busy_user = provider_user("busy", tree, volunteers_org)
    make_provider(tree, name="忙", user=busy_user)
    make_provider(tree, name="闲", availability={str(d): [["06:00", "21:00"]] for d in range(7)})
    first = services.need_create(actor=window_worker, data=need_data(household))
    Offer.objects.filter(need=first).exclude(provider__name="忙").delete()
    services.accept(actor=busy_user, need=first)
    second = draft(window_worker, household)
    assert names(second) == ["闲", "忙"]
    reasons = {c.provider.name: c.reason for c in candidates(second)}
    assert "时段不空闲" in reasons["忙"] and "时段空闲" in reasons["闲"]


def test_fewer_open_orders_then_rating_decide(tree, household, window_worker, volunteers_org):
    loaded_user = provider_user("loaded", tree, volunteers_org)
    loaded = make_provider(tree, name="有在办工单", user=loaded_user)
    low = make_provider(tree, name="评分低")
    high = make_provider(tree, name="评分高")
    low.rating, high.rating = 3, 5
    low.save(), high.save()
    loaded.rating = 5
    loaded.save()
    start, end = window(days=5)
    earlier = services.need_create(actor=window_worker, data=need_data(
        household, starts_at=start.isoformat(), ends_at=end.isoformat()))
    Offer.objects.filter(need=earlier).exclude(provider=loaded).delete()
    services.accept(actor=loaded_user, need=earlier)
    assert names(draft(window_worker, household)) == ["评分高", "评分低", "有在办工单"]


def test_availability_covers_the_window_only_inside_a_range():
    start, end = window(hour=9, length=2)
    day = str(start.weekday())
    assert available({day: [["08:00", "12:00"]]}, start, end)
    assert not available({day: [["10:00", "12:00"]]}, start, end)
    assert not available({}, start, end)


def test_top_five_offered_then_the_next_five_after_24_hours_then_back_to_staff(
        tree, household, window_worker):
    for n in range(12):
        make_provider(tree, name=f"服务商{n:02d}", lat="40.00", lon=f"{116.30 + n / 100:.2f}")
    need = services.need_create(actor=window_worker, data=need_data(
        household, latitude="40.00", longitude="116.30"))
    assert need.state == "offered" and need.round == 1
    first = list(need.offers.order_by("rank").values_list("provider__name", flat=True))
    assert first == [f"服务商{n:02d}" for n in range(5)]
    # not yet due: nothing rolls
    assert roll_expired(timezone.now() + timedelta(hours=23)) == 0
    # 24 hours on: the next five
    assert roll_expired(timezone.now() + timedelta(hours=24, minutes=1)) == 1
    need.refresh_from_db()
    assert need.round == 2 and need.state == "offered"
    assert set(need.offers.filter(round=1).values_list("answer", flat=True)) == {"expired"}
    assert list(need.offers.filter(round=2).order_by("rank")
                .values_list("provider__name", flat=True)) == [f"服务商{n:02d}" for n in range(5, 10)]
    # another 24 hours: back to staff
    assert roll_expired(timezone.now() + timedelta(hours=49)) == 1
    need.refresh_from_db()
    assert need.state == "back_to_staff" and "退回" in need.note
    assert not Order.objects.exists()


def test_reading_a_need_rolls_it_lazily(tree, household, window_worker, monkeypatch):
    make_provider(tree, name="甲")
    need = services.need_create(actor=window_worker, data=need_data(household))
    later = timezone.now() + timedelta(hours=25)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert need_get(user=window_worker, pk=need.pk).state == "back_to_staff"


def test_no_candidate_goes_back_to_staff_at_once(tree, household, window_worker):
    need = services.need_create(actor=window_worker, data=need_data(household))
    assert need.state == "back_to_staff" and need.round == 0
    make_provider(tree, name="新来的")
    services.need_act(actor=window_worker, need=need, action="rematch")
    need.refresh_from_db()
    assert need.state == "offered" and need.offers.count() == 1


def test_a_bad_need_names_the_field_and_writes_nothing(household, window_worker):
    for field, value in (("skill", "flying"), ("household_id", "NOPE"), ("starts_at", "soon")):
        with pytest.raises(ServiceError) as refused:
            services.need_create(actor=window_worker, data=need_data(household, **{field: value}))
        assert refused.value.errors[0]["path"] == field
    start, _ = window()
    with pytest.raises(ServiceError) as refused:
        services.need_create(actor=window_worker, data=need_data(
            household, ends_at=start.isoformat()))
    assert refused.value.errors[0]["path"] == "ends_at"
    assert not ServiceNeed.objects.exists()


def test_system_may_roll_but_a_need_in_time_is_not_rolled(tree, household, window_worker):
    make_provider(tree, name="甲")
    need = services.need_create(actor=window_worker, data=need_data(household))
    with pytest.raises(ServiceError) as refused:
        services.need_act(actor=SYSTEM, need=need, action="roll")
    assert refused.value.status == 409
