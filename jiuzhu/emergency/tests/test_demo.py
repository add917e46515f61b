"""The emergency demo (``emergency.demo.load``): cases of every colour and state in the three
townships through the services — helped with papers pending, awaiting the county, papers
done and closed, in the normal procedure, monitored (circle 4) with a department referral,
overdue, opened from a critical lead, referred to an organisation with its outcome — and
loading it again adds nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from jiuzhu.accounts.demo import load_users
from jiuzhu.households.demo import load_households
from jiuzhu.leads.demo import load_grid_workers
from jiuzhu.regions.demo import load_regions

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    regions = load_regions()
    load_users(regions)
    load_households(regions, per_village=2)
    load_grid_workers(regions)
    from jiuzhu.funds.demo import load as load_funds

    load_funds()
    return regions


def test_the_emergency_demo_has_a_case_of_every_kind_and_loads_once(county):
    from jiuzhu.assessments.selectors import counted_circle
    from jiuzhu.emergency.demo import SCENARIOS, load
    from jiuzhu.emergency.models import EmergencyCase
    from jiuzhu.leads.models import Lead

    assert load(county) == len(SCENARIOS)
    cases = {c.narrative: c for c in EmergencyCase.objects.select_related("household",
                                                                         "application")}
    by_key = {s.key: cases[s.narrative] for s in SCENARIOS}
    states = {key: case.state for key, case in by_key.items()}
    assert states == {
        "red_helped": "helped", "awaiting_county": "awaiting_county", "papers_done": "closed",
        "blue_procedure": "in_procedure", "green_monitoring": "monitoring",
        "yellow_overdue": "open", "from_lead": "open", "green_organisation": "referred"}
    levels = {key: case.level for key, case in by_key.items()}
    assert levels["red_helped"] == levels["awaiting_county"] == levels["from_lead"] == "red"
    assert (levels["yellow_overdue"], levels["blue_procedure"]) == ("yellow", "blue")
    assert levels["green_monitoring"] == levels["green_organisation"] == "green"

    helped = by_key["red_helped"]
    assert helped.responded_at - helped.opened_at <= timezone.timedelta(hours=1)
    assert helped.application.item_code == "MZ05" and helped.application.state not in (
        "approved", "refused") and helped.papers_due is not None
    assert by_key["papers_done"].papers_done_at is not None
    assert by_key["blue_procedure"].application.item_code == "MZ04"
    assert helped.photos.count() == 1
    assert by_key["yellow_overdue"].responded_at is None
    assert by_key["yellow_overdue"].respond_by < timezone.now()
    lead_case = by_key["from_lead"]
    assert lead_case.source == "lead" and lead_case.lead.urgency == "critical"
    assert lead_case.assessments.count() == 2  # opened from the lead, then re-assessed
    monitored = by_key["green_monitoring"]
    assert counted_circle(monitored.household, 0) == (4, True)
    referrals = Counter((r.target, r.outcome) for c in cases.values() for r in c.referrals.all())
    assert referrals[("department", "pending")] == 1 and referrals[("organisation", "done")] == 1
    towns = Counter(c.township.code for c in cases.values())
    assert set(towns) == {"990102001", "990102002", "990102003"}
    assert Counter(c.opened_by.username for c in cases.values() if c.opened_by)["window1"] >= 3

    assert load(county) == 0
    assert EmergencyCase.objects.count() == len(SCENARIOS)
    assert Lead.objects.filter(urgency="critical").count() == 1


def test_every_emergency_list_a_demo_user_opens_has_rows(county, client):
    from jiuzhu.accounts.models import User
    from jiuzhu.emergency import selectors
    from jiuzhu.emergency.demo import load

    load(county)
    duty = {name: len(selectors.duty_list(User.objects.get(username=name)))
            for name in ("window1", "reviewer1", "window2", "window3", "approver1",
                         "supervisor1")}
    assert duty["window1"] == duty["reviewer1"] >= 4 and duty["window2"] == 2
    assert duty["window3"] == 1 and duty["approver1"] == duty["supervisor1"] == 7
    for name in ("approver1", "supervisor1"):
        assert selectors.cases(User.objects.get(username=name)).count() == 8
    overdue = selectors.overdue(User.objects.get(username="window2"))
    assert [c.level for c in overdue] == ["yellow"]
    client.force_login(User.objects.get(username="window2"))
    page = client.get("/emergency/duty/").content.decode()
    assert "黄色" in page and "红色" in page
