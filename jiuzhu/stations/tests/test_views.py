"""The station pages per role, and what a station keeper sees of leads."""

import pytest

from jiuzhu.core.masking import mask_id_number
from jiuzhu.households.models import Household
from jiuzhu.leads import services as lead_services
from jiuzhu.leads.models import GridAssignment, Lead
from jiuzhu.stations.models import LoveStation
from jiuzhu.testing import ApiClient, UserFactory

from .conftest import station_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_staff_see_the_stations_of_their_region_with_counts(
        client, window_worker, keeper, station, far_station, lead_data):
    lead_services.lead_record(actor=keeper, data=lead_data)
    client.force_login(window_worker)
    page = client.get("/stations/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-station="{station.pk}"' in text and f'data-station="{far_station.pk}"' not in text
    assert station.host.name in text and "周一至周六 8:30–17:30" in text and "报告困难家庭、物资" in text
    assert 'data-count="leads">1<' in text and 'data-testid="station-create"' in text
    assert client.get(f"/stations/{far_station.pk}/").status_code == 404
    export = client.get("/stations/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats")


def test_the_station_page_counts_and_lists_its_leads(client, window_worker, keeper, station,
                                                     lead_data):
    lead = lead_services.lead_record(actor=keeper, data=lead_data)
    client.force_login(window_worker)
    text = client.get(f"/stations/{station.pk}/").content.decode()
    assert 'data-count="leads">1<' in text and 'data-count="helped">0<' in text
    assert 'data-count="services">0<' in text and f'data-lead="{lead.pk}"' in text
    assert "龙梅" in text and f'href="/leads/new/?station={station.pk}"' in text


def test_register_edit_and_deactivate_through_the_pages(client, tree, host, reviewer):
    client.force_login(reviewer)
    assert client.get("/stations/new/").status_code == 200
    refused = client.post("/stations/new/", {**station_data(host, tree["village1"]),
                                             "offerings": []})
    assert refused.status_code == 422 and 'data-error="offerings"' in refused.content.decode()
    assert not LoveStation.objects.exists()
    created = client.post("/stations/new/", station_data(host, tree["village1"]))
    station = LoveStation.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/stations/{station.pk}/"
    edit = client.get(f"/stations/{station.pk}/edit/")
    assert edit.status_code == 200 and station.address in edit.content.decode()
    client.post(f"/stations/{station.pk}/edit/", station_data(host, tree["village1"],
                                                             address="新址 8 号"))
    client.post(f"/stations/{station.pk}/active/", {"active": "0"})
    station.refresh_from_db()
    assert station.address == "新址 8 号" and not station.active


def test_a_keeper_sees_only_their_station_and_its_leads(
        client, tree, keeper, other_keeper, station, other_station, window_worker, lead_data):
    mine = lead_services.lead_record(actor=keeper, data=lead_data)
    theirs = lead_services.lead_record(actor=other_keeper, data={**lead_data,
                                                                 "person_name": "王大娘"})
    hotline = lead_services.lead_record(actor=window_worker, data={**lead_data,
                                                                   "source": "hotline"})
    client.force_login(keeper)
    assert client.get("/stations/mine/")["Location"] == f"/stations/{station.pk}/"
    listing = client.get("/stations/").content.decode()
    assert f'data-station="{station.pk}"' in listing
    assert f'data-station="{other_station.pk}"' not in listing and 'station-create' not in listing
    page = client.get(f"/stations/{station.pk}/").content.decode()
    assert 'data-testid="report-family"' in page and "station-edit" not in page
    assert client.get(f"/stations/{other_station.pk}/").status_code == 404
    assert client.get(f"/leads/{mine.pk}/").status_code == 200
    assert client.get(f"/leads/{theirs.pk}/").status_code == 404
    assert client.get(f"/leads/{hotline.pk}/").status_code == 404
    assert client.get(f"/stations/{station.pk}/edit/").status_code == 403
    assert client.get("/stations/new/").status_code == 403
    assert set(Lead.objects.visible_to(keeper)) == {mine}
    assert set(Lead.objects.visible_to(other_keeper)) == {theirs}


def test_a_keeper_never_reads_an_id_number_or_a_household(
        client, tree, keeper, station, window_worker, lead_data, person_id):
    lead = lead_services.lead_record(actor=keeper, data={**lead_data, "source": "love_station"})
    worker = UserFactory(role="grid_worker", region=tree["grid1"])
    GridAssignment.objects.create(grid=tree["grid1"], worker=worker, region_path=tree["grid1"].path)
    lead_services.lead_convert(actor=window_worker, lead=lead, health="healthy",
                               occupation="none")
    household = Household.objects.get()
    client.force_login(keeper)
    text = client.get(f"/leads/{lead.pk}/").content.decode()
    assert person_id not in text and f"{person_id[:3]}" in text
    assert household.household_id not in text and 'data-testid="tasks"' not in text
    assert client.get(f"/households/{household.pk}/").status_code in (403, 404)
    assert not Household.objects.visible_to(keeper).exists()
    client.force_login(window_worker)
    # The window worker follows the lead to its household; the ID number is masked for
    # everyone on the page (查看完整信息 is on the household page, audited).
    text = client.get(f"/leads/{lead.pk}/").content.decode()
    assert household.household_id in text
    assert person_id not in text and mask_id_number(person_id) in text


def test_the_keepers_form_has_their_station_locked(client, keeper, station, other_station,
                                                  lead_data):
    client.force_login(keeper)
    form = client.get(f"/leads/new/?station={other_station.pk}").content.decode()
    assert station.name in form and other_station.name not in form
    assert 'name="station_id"' in form and "disabled" in form
    response = client.post("/leads/new/", {**lead_data, "source": "hotline",
                                           "station_id": other_station.pk})
    lead = Lead.objects.get()
    assert response.status_code == 302 and lead.station == station
    assert lead.source == "love_station"


def test_other_users_reach_no_station(client, tree, station):
    volunteer = UserFactory(role="provider", region=tree["county"],
                            organisation=station.host)
    client.force_login(volunteer)
    assert client.get("/stations/").status_code == 403
    assert client.get(f"/stations/{station.pk}/").status_code == 403
    assert client.get("/leads/new/").status_code == 403
    staff_elsewhere = UserFactory(role="window_worker", region=tree["town2"])
    client.force_login(staff_elsewhere)
    assert client.get(f"/stations/{station.pk}/").status_code == 404


def test_a_grid_worker_reads_the_stations_of_their_village(client, tree, station, far_station):
    worker = UserFactory(username="grid7", role="grid_worker", region=tree["grid1"],
                         full_name="孙强")
    client.force_login(worker)
    page = client.get("/stations/").content.decode()
    assert f'data-station="{station.pk}"' in page  # village1's station, above the grid
    assert f'data-station="{far_station.pk}"' not in page  # another township's
    detail = client.get(f"/stations/{station.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert 'data-testid="report-family"' not in body  # they report as a grid, not under it
    assert 'data-testid="station-edit"' not in body
    assert client.get(f"/stations/{far_station.pk}/").status_code == 404
    assert client.get(f"/stations/{station.pk}/edit/").status_code == 403
    api = ApiClient(client, {"grid": worker}, "")
    listed = api.get("grid", "/api/v1/stations").json()
    assert [s["id"] for s in listed] == [station.pk]
    assert api.get("grid", f"/api/v1/stations/{far_station.pk}").status_code == 404
    client.force_login(worker)
    menu = client.get("/").content.decode()
    assert 'href="/stations/"' in menu


def test_a_department_officer_has_no_station_page_nor_menu_entry(client, tree, station):
    officer = UserFactory(username="officer9", role="department_officer", region=tree["county"],
                          full_name="部门甲")
    client.force_login(officer)
    assert client.get("/stations/").status_code == 403
    assert client.get(f"/stations/{station.pk}/").status_code == 403
    assert 'href="/stations/"' not in client.get("/").content.decode()
    api = ApiClient(client, {"officer": officer}, "")
    assert api.get("officer", "/api/v1/stations").status_code == 403
