"""The pages: the resident's /self/confirm/ (query code + last 4 ID characters, then the
photo, location and changes), the township's list, confirmation page and check, the
county's setting page."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.audit.models import AuditEvent
from jiuzhu.recertify import services
from jiuzhu.recertify.choices import State
from jiuzhu.recertify.demo import photo_png
from jiuzhu.recertify.models import Confirmation, RecertifySetting

from .conftest import head_last4

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(paid, setting, clock):
    clock["today"] = date(2026, 4, 15)
    services.daily()
    return Confirmation.objects.get(application=paid)


def wrong(last4: str) -> str:
    return ("1" if last4[0] != "1" else "2") + last4[1:]


def test_a_wrong_last4_is_refused_naming_the_field_and_changes_nothing(client, due, paid):
    response = client.post("/self/confirm/", {"code": paid.query_code,
                                              "last4": wrong(head_last4(paid))})
    assert response.status_code == 422
    assert 'data-field="last4"' in response.content.decode()
    assert "self_confirm" not in client.session
    assert client.get("/self/confirm/form/").status_code == 302
    due.refresh_from_db()
    assert due.state == State.DUE and due.submitted_at is None
    assert AuditEvent.objects.filter(action="self_track_failed").count() == 1


def test_the_resident_confirms_with_a_photo_and_a_change(client, due, paid):
    response = client.post("/self/confirm/", {"code": paid.query_code,
                                              "last4": head_last4(paid)})
    assert response.status_code == 302 and response["Location"] == "/self/confirm/form/"
    page = client.get("/self/confirm/form/").content.decode()
    assert 'accept="image/*"' in page and 'capture="user"' in page and "confirm.js" in page
    # a change without a note, and no photo: both named
    response = client.post("/self/confirm/form/", {"changed_assets": "1"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-field="photo"' in body and 'data-field="change_note"' in body
    response = client.post("/self/confirm/form/", {
        "changed_assets": "1", "change_note": "卖了一辆三轮车", "latitude": "30.100000",
        "longitude": "114.200000",
        "photo": SimpleUploadedFile("me.png", photo_png(), content_type="image/png")})
    assert response.status_code == 302 and response["Location"] == "/self/confirm/done/"
    assert "工作人员会审核" in client.get("/self/confirm/done/").content.decode()
    due.refresh_from_db()
    assert due.state == State.CHANGE_DECLARED and due.changed_assets and due.photo
    # nothing more to confirm now
    response = client.post("/self/confirm/", {"code": paid.query_code,
                                              "last4": head_last4(paid)})
    assert response.status_code == 200 and "没有需要认证的记录" in response.content.decode()


def test_the_township_lists_checks_and_exports(client, due, people, password):
    services.confirmation_submit(confirmation=due, data={}, photo=("me.png", photo_png()))
    client.login(username=people["reviewer"].username, password=password)
    page = client.get("/recertify/").content.decode()
    assert f'data-confirmation="{due.pk}"' in page and "第1村" in page
    assert client.get("/recertify/?bucket=done").content.decode().count("data-confirmation=") == 1
    assert client.get("/recertify/?bucket=missing").content.decode().count("data-confirmation=") == 0
    export = client.get("/recertify/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    detail = client.get(f"/recertify/{due.pk}/").content.decode()
    assert 'data-action="accept"' in detail and 'data-action="return"' in detail
    photo = client.get(f"/recertify/{due.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    response = client.post(f"/recertify/{due.pk}/return/", {"reason": "照片看不清脸"})
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.state == State.RETURNED and due.review_note == "照片看不清脸"


def test_another_township_gets_404_and_a_grid_worker_no_list(client, due, people, grid_worker,
                                                              password):
    client.login(username=people["other_reviewer"].username, password=password)
    assert client.get(f"/recertify/{due.pk}/").status_code == 404
    assert client.get(f"/recertify/{due.pk}/photo/").status_code == 404
    assert client.post(f"/recertify/{due.pk}/accept/").status_code == 404
    assert 'data-confirmation=' not in client.get("/recertify/").content.decode()
    client.logout()
    client.login(username=grid_worker.username, password=password)
    assert client.get("/recertify/").status_code == 403


def test_the_county_edits_its_setting(client, tree, people, password):
    client.login(username=people["approver"].username, password=password)
    assert "未设置" in client.get("/recertify/settings/").content.decode()
    url = f"/recertify/settings/{tree['county'].pk}/"
    response = client.post(url, {**services.DEFAULTS, "months_b": "0", "active": "1"})
    assert response.status_code == 422 and 'data-error="months_b"' in response.content.decode()
    assert not RecertifySetting.objects.exists()
    response = client.post(url, {**services.DEFAULTS, "months_c": "3", "active": "1"})
    assert response.status_code == 302
    assert RecertifySetting.objects.get().months_c == 3
    client.logout()
    client.login(username=people["reviewer"].username, password=password)
    assert client.get(url).status_code in (403, 404)
    assert client.get("/recertify/settings/").status_code == 403
