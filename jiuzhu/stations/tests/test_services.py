"""Registering, editing and deactivating love stations; the leads reported under them."""

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.leads import services as lead_services
from jiuzhu.leads.models import Lead
from jiuzhu.stations import services
from jiuzhu.stations.models import LoveStation
from jiuzhu.stations.selectors import with_counts
from jiuzhu.testing import UserFactory

from .conftest import station_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_staff_register_a_station_with_an_audit_event(tree, host, window_worker):
    station = services.station_register(actor=window_worker,
                                        data=station_data(host, tree["village1"]))
    assert station.region_path == tree["village1"].path and station.host == host
    assert station.offerings == ["report", "goods"] and str(station.latitude) == "27.994210"
    assert station.offering_labels == ["报告困难家庭", "物资"]
    event = AuditEvent.objects.get(action="create", object_id=str(station.pk))
    assert event.detail["name"] == station.name


@pytest.mark.parametrize(("change", "path"), [
    ({"name": ""}, "name"), ({"address": ""}, "address"), ({"offerings": []}, "offerings"),
    ({"offerings": ["casino"]}, "offerings"), ({"host_id": None}, "host_id"),
    ({"host_id": 999999}, "host_id"), ({"region_code": ""}, "region_code"),
    ({"region_code": "990102"}, "region_code"), ({"latitude": "91"}, "latitude"),
    ({"longitude": "abc"}, "longitude"), ({"phone": "电话"}, "phone"),
])
def test_a_bad_field_is_named_and_nothing_is_registered(tree, host, window_worker, change, path):
    with pytest.raises(ServiceError) as refused:
        services.station_register(actor=window_worker,
                                  data=station_data(host, tree["village1"], **change))
    assert refused.value.status == 422
    assert path in {e["path"] for e in refused.value.errors}
    assert not LoveStation.objects.exists() and not AuditEvent.objects.filter(action="create").exists()


def test_another_townships_region_and_a_duplicate_name_are_refused(tree, host, window_worker, station):
    for data, path in ((station_data(host, tree["village2"]), "region_code"),
                       (station_data(host, tree["village1"]), "name")):
        with pytest.raises(ServiceError) as refused:
            services.station_register(actor=window_worker, data=data)
        assert path in {e["path"] for e in refused.value.errors}
    assert LoveStation.objects.count() == 1


def test_only_county_and_township_staff_manage_stations(tree, host, keeper, station):
    grid = UserFactory(role="grid_worker", region=tree["grid1"])
    for actor in (keeper, grid):
        with pytest.raises(ServiceError) as refused:
            services.station_register(actor=actor, data=station_data(host, tree["village1"],
                                                                     name="新驿站"))
        assert refused.value.status == 403
        with pytest.raises(ServiceError):
            services.station_deactivate(actor=actor, station=station)
    station.refresh_from_db()
    assert station.active and LoveStation.objects.count() == 1


def test_edit_and_deactivate(tree, host, reviewer, station, other_window_worker):
    services.station_edit(actor=reviewer, station=station, data=station_data(
        host, tree["grid1"], hours="每天 9:00–12:00", offerings=["meals", "report"]))
    station.refresh_from_db()
    assert station.region == tree["grid1"] and station.region_path == tree["grid1"].path
    assert station.offerings == ["report", "meals"] and station.hours == "每天 9:00–12:00"
    with pytest.raises(ServiceError) as refused:
        services.station_deactivate(actor=other_window_worker, station=station)
    assert refused.value.status == 404
    services.station_deactivate(actor=reviewer, station=station)
    with pytest.raises(ServiceError) as again:
        services.station_deactivate(actor=reviewer, station=station)
    assert again.value.status == 409
    station.refresh_from_db()
    assert not station.active
    assert AuditEvent.objects.filter(action="update", object_id=str(station.pk)).count() == 2


def test_a_keeper_reports_under_their_own_station_only(tree, keeper, station, other_station,
                                                       lead_data):
    lead = lead_services.lead_record(actor=keeper, data={**lead_data, "source": "hotline"})
    assert lead.station == station and lead.source == "love_station"
    assert lead.station_name == station.name
    with pytest.raises(ServiceError) as refused:
        lead_services.lead_record(actor=keeper, data={**lead_data, "station_id": other_station.pk})
    assert refused.value.status == 422 and refused.value.errors[0]["path"] == "station_id"
    with pytest.raises(ServiceError) as far:
        lead_services.lead_record(actor=keeper, data={**lead_data,
                                                      "region_code": tree["grid2"].code})
    assert "region_code" in {e["path"] for e in far.value.errors}
    assert Lead.objects.count() == 1


def test_a_deactivated_station_reports_nothing(tree, keeper, station, reviewer, lead_data):
    services.station_deactivate(actor=reviewer, station=station)
    with pytest.raises(ServiceError) as refused:
        lead_services.lead_record(actor=keeper, data=lead_data)
    assert refused.value.errors[0]["path"] == "station_id"
    assert not Lead.objects.exists()


def test_staff_name_a_station_by_id_or_by_its_name(window_worker, station, lead_data):
    by_id = lead_services.lead_record(actor=window_worker, data={
        **lead_data, "source": "love_station", "station_id": station.pk})
    by_name = lead_services.lead_record(actor=window_worker, data={
        **lead_data, "source": "love_station", "station_name": station.name})
    typed = lead_services.lead_record(actor=window_worker, data={
        **lead_data, "source": "love_station", "station_name": "未登记的驿站"})
    hotline = lead_services.lead_record(actor=window_worker, data={
        **lead_data, "source": "hotline", "station_name": station.name})
    assert by_id.station == station and by_name.station == station
    assert typed.station is None and typed.station_name == "未登记的驿站"
    assert hotline.station is None and hotline.station_name == ""
    with pytest.raises(ServiceError) as refused:
        lead_services.lead_record(actor=window_worker, data={
            **lead_data, "source": "grid_worker", "station_id": station.pk})
    assert refused.value.errors[0]["path"] == "source"


def test_counts_leads_reported_and_families_helped(window_worker, keeper, station, lead_data):
    leads = [lead_services.lead_record(actor=keeper, data=lead_data) for _ in range(3)]
    lead_services.lead_close(actor=window_worker, lead=leads[0], outcome="not_eligible",
                             note="收入高于标准")
    Lead.objects.filter(pk=leads[1].pk).update(status="closed", outcome="unreachable")
    [counted] = with_counts([LoveStation.objects.get(pk=station.pk)])
    assert (counted.leads_reported, counted.families_helped, counted.services_delivered) == (3, 1, 0)


def test_the_system_registers_for_the_demo(tree, host):
    station = services.station_register(actor=SYSTEM, data=station_data(host, tree["village2"]))
    assert station.created_by is None
