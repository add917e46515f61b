"""The lead, visit and grid pages."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jiuzhu.households.idnumber import id_number_make
from jiuzhu.leads import services
from jiuzhu.leads.models import GridAssignment, Lead, VisitTask
from jiuzhu.testing import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _converted(window_worker, lead_data):
    lead = services.lead_record(actor=window_worker, data=lead_data)
    task = services.lead_convert(actor=window_worker, lead=lead, health="healthy",
                                 occupation="none")
    return lead, task


def test_a_window_worker_records_and_converts_a_lead_through_the_pages(
        client, window_worker, grid_worker, lead_data, tree, django_assert_max_num_queries):
    client.force_login(window_worker)
    page = client.get("/leads/new/")
    assert page.status_code == 200 and tree["grid1"].code in page.content.decode()
    response = client.post("/leads/new/", {**lead_data, "id_number": ""})
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/leads/{lead.pk}/"
    with django_assert_max_num_queries(14):
        detail = client.get(f"/leads/{lead.pk}/")
    assert detail.status_code == 200 and 'data-testid="convert-form"' in detail.content.decode()
    refused = client.post(f"/leads/{lead.pk}/convert/", {"health": "healthy"})
    text = refused.content.decode()
    assert refused.status_code == 422
    assert 'data-error="id_number"' in text and 'data-error="occupation"' in text
    assert not VisitTask.objects.exists()
    done = client.post(f"/leads/{lead.pk}/convert/", {
        "id_number": lead_data["id_number"], "health": "healthy", "occupation": "farming"})
    assert done.status_code == 302
    task = VisitTask.objects.get()
    assert task.assignee == grid_worker and task.household.members.get().occupation == "farming"


def test_a_bad_lead_form_names_the_fields(client, window_worker, lead_data):
    client.force_login(window_worker)
    response = client.post("/leads/new/", {**lead_data, "person_name": "",
                                           "id_number": "990102195804121230"})
    text = response.content.decode()
    assert response.status_code == 422
    assert 'data-error="person_name"' in text and 'data-error="id_number"' in text
    assert not Lead.objects.exists()


def test_the_list_filters_and_is_region_isolated(client, window_worker, other_window_worker,
                                                 grid_worker, lead_data, clock,
                                                 django_assert_max_num_queries):
    lead, _task = _converted(window_worker, lead_data)
    services.lead_record(actor=window_worker, data={**lead_data, "source": "love_station",
                                                    "station_name": "东门爱心驿站"})
    for n in range(3):  # more rows, each with its task and alert: still the same queries
        _converted(window_worker, {**lead_data, "id_number": id_number_make(
            area="990102", birth=date(1960, 1, 1 + n), sequence=n)})
    client.force_login(window_worker)
    with django_assert_max_num_queries(12):
        page = client.get("/leads/").content.decode()
    assert page.count("data-lead=") == 5
    assert client.get("/leads/?source=love_station").content.decode().count("data-lead=") == 1
    assert "data-lead=" not in client.get("/leads/?overdue=on").content.decode()
    clock["today"] = date(2026, 3, 6)
    overdue = client.get("/leads/?overdue=on").content.decode()
    assert f'data-lead="{lead.pk}"' in overdue and 'data-alert="red"' in overdue
    client.force_login(other_window_worker)
    assert "data-lead=" not in client.get("/leads/").content.decode()
    assert client.get(f"/leads/{lead.pk}/").status_code == 404
    assert client.post(f"/leads/{lead.pk}/close/", {"outcome": "referred"}).status_code == 404


def test_the_excel_export_has_the_visible_leads(client, window_worker, other_window_worker,
                                                lead_data):
    services.lead_record(actor=window_worker, data=lead_data)
    client.force_login(window_worker)
    response = client.get("/leads/export.xlsx?source=hotline")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "线索编号" and rows[1][6] == "陈老汉" and rows[1][2] == "热线"
    assert len(rows) == 2
    empty = client.get("/leads/export.xlsx?source=love_station")
    assert len(list(load_workbook(BytesIO(empty.content)).active.iter_rows())) == 1
    client.force_login(other_window_worker)
    elsewhere = client.get("/leads/export.xlsx")
    assert len(list(load_workbook(BytesIO(elsewhere.content)).active.iter_rows())) == 1


def test_the_grid_worker_records_the_visit_on_the_phone_page(
        client, window_worker, grid_worker, lead_data, media, django_assert_max_num_queries):
    lead, task = _converted(window_worker, lead_data)
    client.force_login(grid_worker)
    with django_assert_max_num_queries(10):
        page = client.get("/leads/visits/").content.decode()
    assert f'data-task="{task.pk}"' in page and "陈老汉" in page
    assert client.get(f"/leads/visits/{task.pk}/").status_code == 200
    refused = client.post(f"/leads/visits/{task.pk}/", {
        "visited_on": "2026-03-02", "findings": "老人独居"})
    assert refused.status_code == 422 and 'data-error="outcome"' in refused.content.decode()
    task.refresh_from_db()
    assert task.status == "open"
    photo = BytesIO(PNG)
    photo.name = "door.png"
    done = client.post(f"/leads/visits/{task.pk}/", {
        "visited_on": "2026-03-02", "findings": "老人独居", "outcome": "referred",
        "referred_to": "县残联", "latitude": "30.5", "longitude": "104.1", "photos": photo})
    assert done.status_code == 302 and done["Location"] == "/leads/visits/"
    lead.refresh_from_db()
    assert lead.status == "closed" and lead.outcome == "referred"
    shown = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'data-outcome="referred"' in shown and "县残联" in shown
    photo_row = VisitTask.objects.get().photos.get()
    assert client.get(f"/leads/photos/{photo_row.pk}/").status_code == 200


def test_pages_refuse_other_roles_and_places(client, window_worker, other_window_worker,
                                             grid_worker, lead_data, tree, media):
    lead, task = _converted(window_worker, lead_data)
    approver = UserFactory(role="county_approver", region=tree["county"])
    client.force_login(approver)
    assert client.get("/leads/new/").status_code == 403
    assert client.post(f"/leads/{lead.pk}/convert/", {}).status_code == 403
    client.force_login(other_window_worker)
    assert client.get(f"/leads/visits/{task.pk}/").status_code == 404
    assert client.post(f"/leads/visits/{task.pk}/", {"outcome": "applied"}).status_code == 404
    assert client.get(f"/leads/grids/{tree['grid1'].code}/").status_code == 404


def test_closing_a_lead_on_its_page_needs_an_outcome(client, window_worker, grid_worker, lead_data):
    lead = services.lead_record(actor=window_worker, data=lead_data)
    client.force_login(window_worker)
    refused = client.post(f"/leads/{lead.pk}/close/", {"note": "已在保障"})
    assert refused.status_code == 422 and 'data-error="outcome"' in refused.content.decode()
    lead.refresh_from_db()
    assert lead.status == "new"
    assert client.post(f"/leads/{lead.pk}/close/", {
        "outcome": "already_assisted", "note": "已在保障"}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == "closed" and lead.outcome == "already_assisted"


def test_grid_pages(client, window_worker, grid_worker, lead_data, tree,
                    django_assert_max_num_queries):
    _lead, task = _converted(window_worker, lead_data)
    client.force_login(window_worker)
    with django_assert_max_num_queries(11):
        page = client.get("/leads/grids/").content.decode()
    assert f'data-grid="{tree["grid1"].code}"' in page and "孙强" in page
    assert f'data-grid="{tree["grid2"].code}"' not in page
    with django_assert_max_num_queries(15):
        grid = client.get(f"/leads/grids/{tree['grid1'].code}/").content.decode()
    assert "孙强" in grid and task.household.household_id in grid and "陈老汉" in grid
    other = UserFactory(role="grid_worker", region=tree["village1"], full_name="钱多")
    assert client.post("/leads/grids/", {"grid": tree["grid1"].code,
                                         "worker": other.pk}).status_code == 302
    assignment = GridAssignment.objects.get(worker=other)
    assert client.post("/leads/grids/", {"grid": tree["grid1"].code,
                                         "worker": window_worker.pk}).status_code == 422
    assert client.post(f"/leads/grid-assignments/{assignment.pk}/remove/").status_code == 302
    assert not GridAssignment.objects.filter(worker=other).exists()
    client.force_login(grid_worker)
    assert client.post("/leads/grids/", {"grid": tree["grid1"].code,
                                         "worker": other.pk}).status_code == 403


def test_a_grid_worker_with_a_second_grid_sees_it(client, grid_worker, tree, lead_data):
    county_admin = UserFactory(role="administrator", region=tree["county"])
    lead = services.lead_record(actor=county_admin,
                                data={**lead_data, "region_code": tree["grid2"].code})
    client.force_login(grid_worker)
    assert client.get(f"/leads/grids/{tree['grid2'].code}/").status_code == 404
    assert client.get(f"/leads/{lead.pk}/").status_code == 404
    services.grid_assign(actor=county_admin, grid=tree["grid2"], worker=grid_worker)
    assert client.get(f"/leads/grids/{tree['grid2'].code}/").status_code == 200
    assert client.get(f"/leads/{lead.pk}/").status_code == 200
