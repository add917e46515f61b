"""GET/POST /api/v1/stations and a lead recorded through the leads API naming station_id."""

import pytest
from django.test import Client

from jiuzhu.leads import services as lead_services
from jiuzhu.leads.models import Lead
from jiuzhu.stations.models import LoveStation

from .conftest import station_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

KEYS = {"id", "name", "region_code", "address", "latitude", "longitude", "hours", "offerings",
        "leads_reported", "families_helped", "services_delivered"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_and_one_station(window_worker, keeper, station, far_station, lead_data):
    lead_services.lead_record(actor=keeper, data=lead_data)
    client = _client(window_worker)
    rows = client.get("/api/v1/stations").json()
    assert [r["id"] for r in rows] == [station.pk]
    assert set(rows[0]) == KEYS
    assert rows[0]["region_code"] == station.region.code and rows[0]["leads_reported"] == 1
    assert rows[0]["latitude"] == pytest.approx(27.99421)
    assert rows[0]["offerings"] == ["report", "goods"]
    one = client.get(f"/api/v1/stations/{station.pk}")
    assert one.status_code == 200 and one.json() == rows[0]
    assert client.get(f"/api/v1/stations/{far_station.pk}").status_code == 404


def test_a_keeper_reads_only_their_station(keeper, station, other_station):
    client = _client(keeper)
    assert [r["id"] for r in client.get("/api/v1/stations").json()] == [station.pk]
    assert client.get(f"/api/v1/stations/{other_station.pk}").status_code == 404


def test_staff_register_a_station(tree, host, window_worker, keeper):
    client = _client(window_worker)
    refused = client.post("/api/v1/stations", station_data(host, tree["village1"], name=""),
                          content_type="application/json")
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json()["errors"]} == {"name"}
    created = client.post("/api/v1/stations", station_data(host, tree["village1"]),
                          content_type="application/json")
    assert created.status_code == 201 and set(created.json()) == KEYS
    forbidden = _client(keeper).post("/api/v1/stations", station_data(
        host, tree["village1"], name="又一个"), content_type="application/json")
    assert forbidden.status_code == 403 and LoveStation.objects.count() == 1


def test_a_lead_names_its_station_through_the_leads_api(window_worker, keeper, station,
                                                       lead_data, person_id):
    made = _client(window_worker).post("/api/v1/leads", {
        **lead_data, "source": "love_station", "station_id": station.pk},
        content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["station_id"] == station.pk and made.json()["station_name"] == station.name
    own = _client(keeper).post("/api/v1/leads", lead_data, content_type="application/json")
    assert own.status_code == 201 and own.json()["station_id"] == station.pk
    assert own.json()["id_number"] != person_id and own.json()["id_number"].startswith("990")
    read = _client(keeper).get(f"/api/v1/leads/{made.json()['id']}")
    assert read.status_code == 200 and read.json()["id_number"] != person_id
    assert Lead.objects.filter(station=station).count() == 2
