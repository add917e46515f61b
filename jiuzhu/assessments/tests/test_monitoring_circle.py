"""The monitoring circle (碑林, ``selectors.with_monitoring_circle``): what a household
receives first, then the calculation; the vetoed listed apart and never first. One
household per case, standings written by hand."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.applications.models import Application
from jiuzhu.assessments.models import Standing
from jiuzhu.assessments.selectors import (
    circle_counts,
    monitoring_circle_label,
    ranking,
    standings_visible_to,
    with_monitoring_circle,
)
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register, household_update
from jiuzhu.testing import household_dict

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)

# key: (computed circle, index, vetoes, item received (state), expected monitoring circle, vetoed)
CASES = {
    "dibao_c3": (3, 3000, 0, ("MZ01", "in_payment"), 1, False),
    "tekun_c4": (4, 2000, 0, ("MZ03", "approved"), 1, False),
    "low_income_c4": (4, 2500, 0, ("MZ02", "approved"), 2, False),
    "eligible_not_receiving": (1, 4000, 0, None, 2, False),
    "computed_2": (2, 3500, 0, None, 2, False),
    "computed_3": (3, 1000, 0, None, 3, False),
    "stopped_dibao_c3": (3, 1500, 0, ("MZ01", "stopped"), 3, False),
    "suspended_dibao_c4": (4, 500, 0, ("MZ01", "suspended"), 4, False),
    "outside": (0, 100, 0, None, 0, False),
    "vetoed_c2": (2, 9900, 0b1, None, 0, True),
    "vetoed_receiving": (3, 9800, 0b10, ("MZ01", "in_payment"), 1, False),
}


@pytest.fixture
def homes(tree):
    now = timezone.now()
    out = {}
    for key, (circle, index, vetoes, received, _expected, _vetoed) in CASES.items():
        household = household_register(actor=SYSTEM, data=household_dict(
            region_code=tree["village1"].code))
        Standing.objects.create(
            household=household, region_path=household.region_path,
            assessment_date=date(2026, 3, 1), parameters_effective=date(2026, 1, 1),
            rules_version="test", eligible=circle == 1, benefit_fen=0,
            per_capita_fen=50_000, circle=circle, index_hundredths=index, vetoes=vetoes,
            assessed_at=now)
        if received:
            item, state = received
            n = next(_numbers)
            Application.objects.create(
                number=f"C{n:06d}", query_code=f"K{n:06d}", household=household,
                item_code=item, channel="window", state=state, region=tree["town1"],
                region_path=tree["town1"].path, step="none", step_started_on=date(2026, 1, 5),
                start_month=date(2026, 2, 1),
                decided_at=timezone.make_aware(datetime(2026, 1, 20, 10)))
        out[key] = household
    return out


def test_each_case_gets_its_monitoring_circle(homes, window_worker):
    rows = {s.household_id: s for s in with_monitoring_circle(standings_visible_to(window_worker))}
    got = {key: (rows[h.pk].monitoring_circle, rows[h.pk].vetoed) for key, h in homes.items()}
    assert got == {key: (case[4], case[5]) for key, case in CASES.items()}
    # the engine's circle is untouched
    assert rows[homes["dibao_c3"].pk].circle == 3
    assert monitoring_circle_label(rows[homes["dibao_c3"].pk]) == "第一圈（低保、特困）"
    assert monitoring_circle_label(rows[homes["vetoed_c2"].pk]) == "否决（资产或行为）"


def test_the_vetoed_are_apart_and_never_first(homes, window_worker, tree):
    register = list(ranking(user=window_worker))
    assert homes["vetoed_c2"].pk not in {s.household_id for s in register}
    assert register[0].household_id == homes["vetoed_receiving"].pk  # receiving: not vetoed
    assert [s.household_id for s in ranking(user=window_worker, circle="vetoed")] == [
        homes["vetoed_c2"].pk]
    assert {s.household_id for s in ranking(user=window_worker, circle=1)} == {
        homes["dibao_c3"].pk, homes["tekun_c4"].pk, homes["vetoed_receiving"].pk}
    assert homes["vetoed_c2"].pk not in {s.household_id for s in ranking(user=window_worker,
                                                                         circle=0)}
    total = circle_counts(user=window_worker, region=tree["town1"])[-1]
    assert (total["c1"], total["c2"], total["c3"], total["c4"], total["c0"], total["vetoed"],
            total["total"]) == (3, 3, 2, 1, 1, 1, 11)


def test_the_register_page_lists_the_vetoed_on_their_own_tab(client, homes, window_worker):
    client.force_login(window_worker)
    page = client.get(reverse("assessments:ranking")).content.decode()
    assert "否决（资产或行为）" in page and homes["vetoed_c2"].household_id not in page
    assert page.index(homes["vetoed_receiving"].household_id) < page.index(
        homes["eligible_not_receiving"].household_id)
    vetoed = client.get(reverse("assessments:ranking"), {"circle": "vetoed"}).content.decode()
    assert homes["vetoed_c2"].household_id in vetoed
    assert homes["dibao_c3"].household_id not in vetoed
    first = client.get(reverse("assessments:ranking"), {"circle": "1"}).content.decode()
    assert homes["dibao_c3"].household_id in first and "享受中" in first
    export = client.get(reverse("assessments:ranking"), {"circle": "vetoed", "format": "xlsx"})
    assert export.status_code == 200


def test_the_prescription_page_shows_both_circles(client, homes, window_worker):
    client.force_login(window_worker)
    page = client.get(reverse("assessments:prescription", args=[homes["dibao_c3"].pk]))
    assert page.status_code == 200
    assert page.context["monitoring_label"] == "第一圈（低保、特困）"
    vetoed = client.get(reverse("assessments:prescription", args=[homes["vetoed_c2"].pk]))
    assert vetoed.context["monitoring_label"] == "否决（资产或行为）"


def test_a_standing_follows_its_household_to_another_village(tree, window_worker):
    """Moving a household moves its standing: the old township no longer sees it."""
    household = household_register(actor=SYSTEM, data=household_dict(
        region_code=tree["village1"].code))
    standing = Standing.objects.create(
        household=household, region_path=household.region_path,
        assessment_date=date(2026, 3, 1), parameters_effective=date(2026, 1, 1),
        rules_version="test", eligible=False, benefit_fen=0, per_capita_fen=50_000, circle=3,
        index_hundredths=0, vetoes=0, assessed_at=timezone.now())
    assert standings_visible_to(window_worker).filter(pk=standing.pk).exists()
    household_update(actor=SYSTEM, household=household, data=household_dict(
        household_id=household.household_id, region_code=tree["village2"].code))
    standing.refresh_from_db()
    assert standing.region_path == tree["village2"].path
    assert not standings_visible_to(window_worker).filter(pk=standing.pk).exists()
