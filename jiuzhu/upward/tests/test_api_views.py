"""GET /api/v1/reports/recipients (50-api.md) and the pages: the same data as the file,
region-scoped, paginated, 422 naming the field, 403 for roles that may not see it; the page
lists what to fix, linking to each household and case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.payments.models import Payment
from jiuzhu.testing import ApiClient
from jiuzhu.upward import api as upward_api
from jiuzhu.upward.models import Submission

from .conftest import MONTH

URL = "/api/v1/reports/recipients"


@pytest.fixture
def api(client, users):
    return ApiClient(client, users, "")


def test_recipients_of_the_month(api, county, monkeypatch):
    answer = api.get("supervisor", f"{URL}?month=2026-11")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["count"] == 3 and body["page"] == 1
    assert [i["household_number"] for i in body["items"]] == ["H-LOW", "H-T2", "H-URBAN"]
    item = body["items"][2]
    assert (item["region_code"], item["programme"], item["amount"]) == (
        "990102001001", "urban_dibao", "830.00")
    assert item["members"][0]["id_number"] and item["members"][0]["relation"] == "head"
    assert AuditEvent.objects.filter(action="view", detail__what="recipients").exists()
    monkeypatch.setattr(upward_api, "PAGE_SIZE", 2)
    second = api.get("supervisor", f"{URL}?month=2026-11&page=2").json()
    assert second["count"] == 3 and [i["household_number"] for i in second["items"]] == ["H-URBAN"]
    assert api.get("supervisor", f"{URL}?month=2026-08").json() == {
        "count": 0, "page": 1, "page_size": 2, "items": []}


@pytest.mark.parametrize("query, field", [("", "month"), ("?month=2026-13", "month"),
                                          ("?month=nov", "month"),
                                          ("?month=2026-11&page=0", "page")])
def test_a_bad_query_names_the_field(api, county, query, field):
    answer = api.get("supervisor", f"{URL}{query}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"] == field


def test_roles_that_may_not_see_it(api, county):
    for name in ("reviewer", "social", "officer"):
        assert api.get(name, f"{URL}?month=2026-11").status_code == 403, name


def test_the_same_data_as_the_file(api, county, users, django_capture_on_commit_callbacks):
    import json
    import zipfile

    from jiuzhu.upward import services

    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_request(actor=users["supervisor"],
                                                 region=county["county"], month=MONTH)
    submission.refresh_from_db()
    with zipfile.ZipFile(submission.file.open("rb")) as archive:
        lines = [json.loads(x) for x in archive.read("recipients.jsonl").splitlines()]
    items = api.get("supervisor", f"{URL}?month=2026-11").json()["items"]
    assert [{**i, "members": i["members"]} for i in items] == [
        {k: line[k] for k in items[0]} for line in lines]


def test_the_page_lists_what_to_fix(client, county, users):
    Payment.objects.filter(application=county["cases"]["urban"]).update(amount="1.00")
    client.force_login(users["supervisor"])
    page = client.get(reverse("upward:index") + "?month=2026-11")
    assert page.status_code == 200
    html = page.content.decode()
    household = county["households"]["urban"]
    assert reverse("households:detail", args=[household.pk]) in html
    assert reverse("applications:detail", args=[county["cases"]["urban"].pk]) in html
    assert 'data-testid="blocked"' in html and 'data-testid="produce"' not in html
    refused = client.post(reverse("upward:produce"), {"month": "2026-11"}, follow=True)
    assert "须先整改" in refused.content.decode() and not Submission.objects.exists()
    excel = client.get(reverse("upward:index") + "?month=2026-11&export=xlsx")
    assert excel.status_code == 200 and excel.content[:2] == b"PK"


def test_produce_follow_and_download(client, county, users, django_capture_on_commit_callbacks):
    client.force_login(users["approver"])
    page = client.get(reverse("upward:index") + "?month=2026-11")
    assert 'data-testid="produce"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("upward:produce"), {"month": "2026-11"})
    submission = Submission.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("upward:detail",
                                                               args=[submission.pk])
    detail = client.get(answer.url).content.decode()
    assert 'data-state="produced"' in detail and "1245.50" in detail and "城市低保" in detail
    progress = client.get(reverse("upward:progress", args=[submission.pk]))
    assert progress.status_code == 200 and "hx-get" not in progress.content.decode()
    download = client.get(reverse("upward:download", args=[submission.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="download", object_type="upward.submission").exists()


def test_pages_refused_to_other_roles(client, county, users):
    for name in ("reviewer", "social", "officer"):
        client.force_login(users[name])
        assert client.get(reverse("upward:index")).status_code == 403, name
    client.force_login(users["verifier"])  # sees, may not produce
    page = client.get(reverse("upward:index") + "?month=2026-11")
    assert page.status_code == 200 and 'data-testid="produce"' not in page.content.decode()
    assert client.post(reverse("upward:produce"), {"month": "2026-11"}).status_code == 403


def test_another_county_user_sees_nothing_of_this_one(client, county, users,
                                                     django_capture_on_commit_callbacks):
    from jiuzhu.testing import UserFactory
    from jiuzhu.upward import services

    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_request(actor=users["supervisor"],
                                                 region=county["county"], month=MONTH)
    other = UserFactory(username="sup2", role="supervisor", region=county["other_county"])
    client.force_login(other)
    assert client.get(reverse("upward:detail", args=[submission.pk])).status_code == 404
    assert client.get(reverse("upward:download", args=[submission.pk])).status_code == 404
    api = ApiClient(client, {"other": other}, "")
    body = api.get("other", f"{URL}?month=2026-11").json()
    assert [i["household_number"] for i in body["items"]] == ["H-FAR"]
