"""/api/v1/payrolls: the page's visibility and roles over HTTP (401, 404, 403, 422, 201/200)."""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from jiuzhu.applications.models import Application
from jiuzhu.audit.models import AuditEvent
from jiuzhu.households.services import household_register
from jiuzhu.payments.models import Payroll
from jiuzhu.testing import ApiClient, UserFactory, household_dict

_numbers = count(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def approved_case(household, township, *, state="approved", amount="520.00",
                  start=date(2026, 4, 1)) -> Application:
    """A case as the procedure leaves it once approved (the procedure has its own tests)."""
    n = next(_numbers)
    return Application.objects.create(
        number=f"T{n:06d}", query_code=f"Q{n:07d}", household=household, item_code="MZ01",
        channel="window", state=state, region=township, region_path=household.region_path,
        step_started_on=date(2026, 3, 2), approved_amount=Decimal(amount), start_month=start,
        review_class="B", decided_at=None)


@pytest.fixture
def users(tree):
    return {
        "reviewer": UserFactory(username="r1", role="township_reviewer", region=tree["town1"]),
        "other_reviewer": UserFactory(username="r2", role="township_reviewer", region=tree["town2"]),
        "window": UserFactory(username="w1", role="window_worker", region=tree["town1"]),
    }


@pytest.fixture
def api(client, users):
    return ApiClient(client, users, "")


@pytest.fixture
def case(users, tree):
    household = household_register(actor=users["window"], data=household_dict())
    return approved_case(household, tree["town1"])


def test_anonymous_is_401(client, tree):
    assert client.get("/api/v1/payrolls").status_code == 401
    response = client.post("/api/v1/payrolls", data="{}", content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_generate_read_confirm_and_download(api, case, users):
    made = api.post("reviewer", "/api/v1/payrolls", {"township": "990102001", "month": "2026-04"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["township"], body["month"], body["status"]) == (
        {"code": "990102001", "name": "第1镇"}, "2026-04", "draft")
    assert (body["count"], body["total"]) == (1, "520.00")
    case.refresh_from_db()
    assert case.state == "in_payment"
    listed = api.get("reviewer", "/api/v1/payrolls").json()
    assert [p["id"] for p in listed["items"]] == [body["id"]]
    assert api.get("reviewer", f"/api/v1/payrolls/{body['id']}").json() == body
    excel = api.get("reviewer", body["download"])
    assert excel.status_code == 200 and excel.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export").exists()
    confirmed = api.post("reviewer", f"/api/v1/payrolls/{body['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    again = api.post("reviewer", "/api/v1/payrolls", {"township": "990102001", "month": "2026-04"})
    assert again.status_code == 409 and again.json()["code"] == "step_not_allowed"
    assert api.post("reviewer", f"/api/v1/payrolls/{body['id']}/confirm").status_code == 409


def test_another_township_is_404_a_wrong_role_403(api, case):
    payroll = api.post("reviewer", "/api/v1/payrolls",
                       {"township": "990102001", "month": "2026-04"}).json()
    for path in (f"/api/v1/payrolls/{payroll['id']}", payroll["download"]):
        assert api.get("other_reviewer", path).status_code == 404
        assert api.get("window", path).status_code == 403
    refused = api.post("other_reviewer", f"/api/v1/payrolls/{payroll['id']}/confirm")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    refused = api.post("window", f"/api/v1/payrolls/{payroll['id']}/confirm")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert api.get("window", "/api/v1/payrolls").status_code == 403
    assert api.post("window", "/api/v1/payrolls",
                    {"township": "990102001", "month": "2026-05"}).status_code == 403
    assert api.get("other_reviewer", "/api/v1/payrolls").json()["items"] == []
    assert Payroll.objects.get().status == "draft"


def test_422_names_the_field(api, case):
    bad = api.post("reviewer", "/api/v1/payrolls", {"township": "990102001", "month": "April"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "month"
    other = api.post("reviewer", "/api/v1/payrolls", {"township": "990102002", "month": "2026-04"})
    assert other.status_code == 422 and other.json()["errors"][0]["path"] == "township"
    missing = api.post("reviewer", "/api/v1/payrolls", {"month": "2026-04"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"path": "township", "message": "必填项"}]
    assert not Payroll.objects.exists()
