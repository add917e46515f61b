"""An online application reaches the registry whole: members, the incomes the resident
declared per month (stored per year, exactly), the scans (opened by the window through the
access layer, audited, and counted as received), items and villages by name; and one query
code per request on the progress page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.selfservice.services import household_data_from, yearly_from_monthly
from jiuzhu.testing import UserFactory

from .conftest import PDF, PNG, fill_until_review

pytestmark = pytest.mark.django_db

intake_models = pytest.importorskip("jiuzhu.intake.models")
Request = intake_models.Request


@pytest.mark.parametrize(("monthly", "yearly"), [
    ("800", "9600.00"), ("800.00", "9600.00"), ("1234.56", "14814.72"), ("0.01", "0.12"),
    ("333.33", "3999.96"), ("", "0"), (None, "0"), ("0", "0.00")])
def test_monthly_income_becomes_yearly_in_whole_fen(monthly, yearly):
    assert yearly_from_monthly(monthly) == Decimal(yearly)


def test_more_than_two_decimals_is_refused_naming_the_field():
    with pytest.raises(ServiceError) as caught:
        yearly_from_monthly("1.234")
    assert caught.value.errors[0]["path"] == "monthly_income"


def test_the_declared_household_carries_each_members_income(tree, person):
    draft = {"identity": {"name": person["name"], "id_number": person["id_number"],
                          "phone": person["phone"]},
             "household": {"village": tree["village1"].code, "address": "第1村3组18号",
                           "members": [
                               {"name": person["name"], "id_number": person["id_number"],
                                "relation": "head", "monthly_income": "",
                                "income_source": "wages"},
                               {"name": "刘大山", "id_number": person["spouse"],
                                "relation": "spouse", "monthly_income": "1234.56",
                                "income_source": "pension"}]}}
    from datetime import date

    data = household_data_from(draft, on=date(2026, 12, 1))
    assert "income" not in data["members"][0]
    assert data["members"][1]["income"] == {"pension": 14814.72}


def _submit(client, person, tree):
    fill_until_review(client, person, tree, items=("MZ04", "JY02"), files={
        "file-0": SimpleUploadedFile("身份证正面.png", PNG, content_type="image/png"),
        "file-3": SimpleUploadedFile("学籍证明.pdf", PDF, content_type="application/pdf")})
    assert client.post("/self/apply/review/").status_code == 302
    return Request.objects.get()


def test_the_window_sees_the_request_whole_and_the_registry_gets_it(
        client, tree, person, window_worker):
    request = _submit(client, person, tree)
    client.force_login(window_worker)
    page = client.get(f"/intake/{request.pk}/").content.decode()
    # members, yearly incomes, names of items and of the village — not codes
    assert page.count('data-testid="online-member"') == 2
    assert "刘大山" in page and "9600.00" in page and "800.00 元/月" in page
    assert "临时救助" in page and "义务教育家庭经济困难学生生活补助" in page
    assert "第1镇 第1村" in page and tree["village1"].code not in page
    # the scans open, through the access layer, each read audited
    files = list(request.files.order_by("id"))
    assert [f.material for f in files] == ["身份证", "学籍证明"]
    for stored, content in zip(files, (PNG, PDF), strict=True):
        assert f"/intake/{request.pk}/files/{stored.pk}/" in page
        response = client.get(f"/intake/{request.pk}/files/{stored.pk}/")
        assert response.status_code == 200 and b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("inline")
    assert AuditEvent.objects.filter(action="download", object_id=str(request.pk)).count() == 2

    response = client.post(f"/intake/{request.pk}/take/", {"household": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    household = request.household
    members = list(household.members.order_by("position"))
    assert [m.id_number for m in members] == [person["id_number"], person["spouse"]]
    assert members[0].wages == Decimal("0.00")
    assert members[1].wages == Decimal("9600.00")
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "9,600.00" in page or "9600.00" in page
    # what was uploaded online counts as received, per item whose checklist names it
    materials = {row.item_code: row.materials for row in request.items.all()}
    assert "身份证" in materials["MZ04"] and "学籍证明" in materials["JY02"]
    assert "身份证" not in materials["JY02"]


def test_another_township_cannot_open_the_scans(client, tree, person, other_window_worker):
    request = _submit(client, person, tree)
    client.force_login(other_window_worker)
    stored = request.files.first()
    assert client.get(f"/intake/{request.pk}/files/{stored.pk}/").status_code == 404
    assert client.get(f"/intake/{request.pk}/").status_code == 404


def test_the_applications_code_finds_the_request_on_the_progress_page(
        client, tree, person, window_worker):
    from jiuzhu.intake.services import request_take

    request = _submit(client, person, tree)
    request_take(actor=window_worker, request=request, household=None)
    application = request.items.get(item_code="MZ04").application
    assert application is not None and application.query_code != request.query_code
    for code in (request.query_code, application.query_code):
        response = client.post("/self/track/", {"code": code, "last4": person["id_number"][-4:]})
        page = response.content.decode()
        assert response.status_code == 200 and 'data-testid="progress"' in page, code
        assert page.count('data-testid="progress-item"') == 2
        assert request.query_code in page
    wrong = client.post("/self/track/", {"code": application.query_code, "last4": "0000"})
    assert wrong.status_code == 404


def test_an_application_begun_outside_the_window_is_followed_by_its_code(client, tree, person):
    from jiuzhu.applications.services import application_create
    from jiuzhu.households.services import household_register

    officer = UserFactory(role="window_worker", region=tree["town1"])
    draft = {"identity": {"name": person["name"], "id_number": person["id_number"],
                          "phone": person["phone"]},
             "household": {"village": tree["village1"].code, "address": "第1村3组18号",
                           "members": [{"name": person["name"], "id_number": person["id_number"],
                                        "relation": "head"}]}}
    from django.utils import timezone

    household = household_register(actor=officer, data=household_data_from(
        draft, on=timezone.localdate()))
    application = application_create(actor=officer, household=household, item_code="MZ04",
                                     channel="window", files=[])
    response = client.post("/self/track/", {"code": application.query_code,
                                            "last4": person["id_number"][-4:]})
    page = response.content.decode()
    assert response.status_code == 200 and "临时救助" in page and "王*英" in page
