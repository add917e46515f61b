"""Many people acting at once on PostgreSQL (SQLite has one writer at a time, so these races
cannot happen there): one approval and one set of documents however many approve together;
distinct case numbers however many cases are created together."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection, connections

from jiuzhu.applications.models import Application
from jiuzhu.applications.services import application_act, application_create
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.documents.models import Document
from jiuzhu.households.services import household_register
from jiuzhu.testing import ApiClient, household_dict, member_dict

from .conftest import ACTIONS, MATERIALS, PNG, completed_verification, files

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 10
SIGN = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("races between concurrent transactions need PostgreSQL (row locks); "
                    "SQLite runs one writing transaction at a time")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at_once(work: Callable[[int], object], count: int = THREADS) -> list[object]:
    """``work(i)`` in ``count`` threads released together; each result or exception."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def to_decision(api: ApiClient, household, clock) -> int:
    """A new application of ``household`` taken through the procedure to the decision."""
    created = api.post("window", "/api/v1/applications",
                       {"household_id": household.household_id, "item_code": "MZ01",
                        "channel": "window", "files": files(*MATERIALS)})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    from jiuzhu.accounts.models import User

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
    clock["today"] = date(2026, 3, 9)
    response = api.act("reviewer", pk, "close_notice")
    assert response.status_code == 200, response.content
    assert Application.objects.get(pk=pk).state == "decision"
    return pk


def test_ten_approvers_at_once_approve_once_with_one_set_of_documents(
        client, staff, poor_household, clock):
    pk = to_decision(ApiClient(client, staff, ACTIONS), poor_household, clock)
    before = set(Document.objects.for_owner(Application.objects.get(pk=pk))
                 .values_list("pk", flat=True))

    results = at_once(lambda i: application_act(actor=staff["approver"], application_id=pk,
                                                action="approve", data={}))

    approved = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(approved) == 1, results
    assert len(refused) == THREADS - 1, results
    assert {r.code for r in refused} == {ErrorCode.STEP_NOT_ALLOWED}
    application = Application.objects.get(pk=pk)
    assert application.state == "approved"
    assert application.steps.filter(action="approve").count() == 1
    issued = Document.objects.for_owner(application).exclude(pk__in=before)
    codes = sorted(issued.values_list("code", flat=True))
    assert codes and len(codes) == len(set(codes)), codes  # one of each, no second version
    assert {"D12", "D13"} <= set(codes)
    # Rendered after the commit (the tests' task backend runs the task at once).
    assert set(issued.values_list("status", flat=True)) == {"ready"}


def test_ten_cases_created_at_once_in_one_township_get_ten_numbers(staff, tree, clock):
    households = [household_register(actor=staff["window"], data=household_dict(
        members=[member_dict(occupation="unemployed", income={"wages": 300})]))
        for _ in range(THREADS)]

    results = at_once(lambda i: application_create(
        actor=staff["window"], household=households[i], item_code="MZ01", channel="window"))

    assert all(isinstance(r, Application) for r in results), results
    numbers = sorted(Application.objects.values_list("number", flat=True))
    prefix = f"DB{tree['town1'].code}2026"
    assert numbers == [f"{prefix}{n:05d}" for n in range(1, THREADS + 1)]
    d01 = sorted(Document.objects.filter(code="D01").values_list("serial", flat=True))
    assert d01 == list(range(1, THREADS + 1))  # each case's receipt notice numbered once
