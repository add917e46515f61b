"""An approved case, taken there through the procedure's HTTP API (as in
jiuzhu/applications/tests/test_procedure_api.py)."""

import base64
from datetime import date

import pytest

from jiuzhu.accounts.models import User
from jiuzhu.applications.models import Application
from jiuzhu.applications.tests import conftest as procedure
from jiuzhu.applications.tests.conftest import (
    ACTIONS,
    MATERIALS,
    PNG,
    completed_verification,
    files,
)
from jiuzhu.testing import ApiClient, UserFactory

# The procedure's fixtures: one user per role in township 1, and a poor household.
staff = procedure.staff
poor_household = procedure.poor_household
SIGN = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(staff, tree):
    """The staff of the procedure plus the roles of payment and supervision."""
    return {**staff,
            "administrator": UserFactory(username="adm1", role="administrator", region=tree["county"]),
            "other_reviewer": UserFactory(username="r2", role="township_reviewer",
                                          region=tree["town2"]),
            "other_supervisor": UserFactory(username="s2", role="supervisor", region=tree["town2"])}


def approve(api, household, clock, *, on=date(2026, 3, 9)) -> Application:
    """Take a new application for ``household`` to ``approved`` on ``on`` through the API."""
    clock["today"] = date(2026, 3, 2)
    created = api.post("window", "/api/v1/applications",
                       {"household_id": household.household_id, "item_code": "MZ01",
                        "channel": "window", "files": files(*MATERIALS)})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    steps = [
        ("window", "accept", {}),
        ("reviewer", "assign_investigation", {"investigators": ["周明", "李强"]}),
        ("verifier", "record_verification", {"request_id": completed_verification(
            household, User.objects.get(username="v1"))}),
        ("investigator", "record_investigation", {
            "investigators": ["周明", "李强"], "location": {"lat": 30.1, "lng": 104.2},
            "signatures": {"investigator_1": SIGN, "investigator_2": SIGN, "applicant": SIGN},
            "neighbour_visits": [{"name": "邻居甲", "statement": "家中确有困难"}],
            "files": [{"material": "入户照片", "name": "p.png",
                       "content_base64": base64.b64encode(PNG).decode()}]}),
        ("assistant", "record_appraisal",
         {"members_present": 13, "votes_for": 13, "votes_against": 0, "result": "pass"}),
        ("reviewer", "submit_opinion", {"recommend": "approve"}),
        ("reviewer", "publish_notice", {}),
    ]
    for who, action, body in steps:
        response = api.act(who, pk, action, body)
        assert response.status_code == 200, (action, response.content)
    clock["today"] = on
    assert api.act("reviewer", pk, "close_notice").status_code == 200
    response = api.act("approver", pk, "approve")
    assert response.json()["state"] == "approved", response.content
    return Application.objects.select_related("household", "region").get(pk=pk)


@pytest.fixture
def approved(client, staff, poor_household, clock, monkeypatch):
    """An application approved on 9 March 2026 (start month April), in township 1.

    The procedure's own documents (D01–D15) are tested with the procedure; here their
    PDF and Word rendering is skipped to keep each test fast. Documents issued by the
    payment and supervision services afterwards are rendered for real."""
    from jiuzhu.documents import services as documents

    with monkeypatch.context() as quick:
        quick.setattr(documents, "content_pdf", lambda content, **kwargs: b"%PDF-1.4\n%%EOF\n")
        quick.setattr(documents, "content_docx", lambda content, **kwargs: b"PK\x03\x04")
        return approve(ApiClient(client, staff, ACTIONS), poor_household, clock)
