"""The demo stations and the leads reported under them."""

import pytest

from jiuzhu.accounts.demo import load_users
from jiuzhu.leads.demo import load_leads_demo, load_station_leads
from jiuzhu.leads.models import Lead
from jiuzhu.regions.demo import load_regions
from jiuzhu.stations import demo
from jiuzhu.stations.models import LoveStation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_six_stations_over_the_three_townships_and_their_leads():
    regions = load_regions()
    load_users(regions)
    assert demo.load() == 6 and demo.load() == 0
    stations = list(LoveStation.objects.all())
    assert len(stations) == 6
    assert {s.region_path.split("/")[3] for s in stations} == {"990102001", "990102002",
                                                                 "990102003"}
    east = LoveStation.objects.get(name="城关街道东门社区爱心驿站")
    assert east.host.name == "城关街道东门社区爱心驿站"
    assert [u.username for u in east.keepers()] == ["station1"]
    load_leads_demo(regions)
    assert load_station_leads() == 3 and load_station_leads() == 0
    assert Lead.objects.filter(station=east).count() == 3  # the leads demo's one, linked by name
    assert set(Lead.objects.filter(station=east, created_by__username="station1")
               .values_list("person_name", flat=True)) == {"何秀英", "钱德福"}
