"""纳入监测 (#11): a monitored household outside every circle counts in circle 4 on the
ranking and the circle counts, keeps counting there through re-assessment, and returns to
its own circle when the monitoring ends."""

import random
from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.assessments.models import Monitoring, Standing
from jiuzhu.assessments.selectors import circle_counts, counted_circle, ranking
from jiuzhu.assessments.services import (
    batch_create,
    batch_execute,
    end_monitoring,
    enter_monitoring,
)
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.demo import household_demo_dict
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 1)


@pytest.fixture
def assessed(window_worker, tree):
    """Forty households of township 1 assessed by a batch: some in circles, some outside."""
    rng = random.Random(11)
    used: set[str] = set()
    for n in range(40):
        household_register(actor=window_worker, data=household_demo_dict(
            rng, household_id=f"M{n:03d}", village=tree["village1"], sequence=n, used_ids=used))
    batch_execute(run=batch_create(actor=SYSTEM, region=tree["town1"], on=ON))
    outside = Standing.objects.filter(circle=0).select_related("household")
    inside = Standing.objects.filter(circle=1).select_related("household")
    assert outside.exists() and inside.exists()
    return {"outside": outside.first().household, "inside": inside.first().household}


def _total(user, tree):
    return circle_counts(user=user, region=tree["town1"])[-1]


def test_a_monitored_household_outside_every_circle_counts_in_circle_4(window_worker, tree,
                                                                       assessed):
    before = _total(window_worker, tree)
    household = assessed["outside"]
    monitoring = enter_monitoring(actor=window_worker, household=household,
                                  reason="急难个案评估为绿色，纳入监测", source="JN9901020012026" "0001")
    after = _total(window_worker, tree)
    # it leaves "outside" (圈外, or 否决 when a veto put it apart: a worker's 纳入监测 counts)
    assert (after["c4"], after["c0"] + after["vetoed"], after["total"]) == (
        before["c4"] + 1, before["c0"] + before["vetoed"] - 1, before["total"])
    assert household.pk in {s.household_id for s in ranking(user=window_worker, circle=4)}
    assert household.pk not in {s.household_id for s in ranking(user=window_worker, circle=0)}
    row = ranking(user=window_worker).get(household=household)
    assert (row.circle, row.counted_circle, row.monitored) == (0, 4, True)
    assert counted_circle(household, 0) == (4, True)
    assert monitoring.region_path == household.region_path and monitoring.started_by == window_worker
    assert AuditEvent.objects.filter(action="create", object_type="assessments.monitoring",
                                     object_id=str(monitoring.pk)).exists()


def test_a_household_in_a_circle_stays_in_it(window_worker, tree, assessed):
    before = _total(window_worker, tree)
    enter_monitoring(actor=window_worker, household=assessed["inside"], reason="观察", source="")
    assert _total(window_worker, tree) == before
    assert counted_circle(assessed["inside"], 1) == (1, True)


def test_re_assessment_keeps_the_monitoring(window_worker, tree, assessed):
    household = assessed["outside"]
    enter_monitoring(actor=window_worker, household=household, reason="观察")
    batch_execute(run=batch_create(actor=SYSTEM, region=tree["town1"], on=date(2026, 4, 1)))
    row = ranking(user=window_worker).get(household=household)
    assert row.assessment_date == date(2026, 4, 1)
    assert (row.circle, row.counted_circle) == (0, 4)


def test_entering_twice_keeps_one_monitoring_and_ending_returns_the_own_circle(
        window_worker, tree, assessed):
    household = assessed["outside"]
    first = enter_monitoring(actor=window_worker, household=household, reason="观察")
    assert enter_monitoring(actor=SYSTEM, household=household, reason="再次") == first
    assert Monitoring.objects.count() == 1
    end_monitoring(actor=window_worker, monitoring=first, reason="情况好转")
    assert counted_circle(household, 0) == (0, False)
    with pytest.raises(ServiceError) as caught:
        end_monitoring(actor=window_worker, monitoring=first, reason="again")
    assert caught.value.status == 409
    second = enter_monitoring(actor=window_worker, household=household, reason="又出现困难")
    assert second != first and counted_circle(household, 0) == (4, True)


def test_refusals_change_nothing(window_worker, other_window_worker, tree, assessed):
    household = assessed["outside"]
    with pytest.raises(ServiceError) as caught:
        enter_monitoring(actor=window_worker, household=household, reason=" ")
    assert caught.value.status == 422 and caught.value.errors[0]["path"] == "reason"
    with pytest.raises(ServiceError) as caught:
        enter_monitoring(actor=other_window_worker, household=household, reason="观察")
    assert caught.value.status == 404
    officer = UserFactory(role="department_officer", region=tree["county"])
    with pytest.raises(ServiceError) as caught:
        enter_monitoring(actor=officer, household=household, reason="观察")
    assert caught.value.status in (403, 404)
    assert not Monitoring.objects.exists()


def test_the_ranking_page_shows_circle_4_and_the_monitoring(client, window_worker, tree,
                                                             assessed):
    enter_monitoring(actor=window_worker, household=assessed["outside"], reason="观察")
    client.force_login(window_worker)
    page = client.get(reverse("assessments:ranking"), {"circle": "4"}).content.decode()
    assert assessed["outside"].household_id in page and 'data-testid="monitored"' in page
    export = client.get(reverse("assessments:ranking"), {"circle": "4", "format": "xlsx"})
    assert export.status_code == 200
