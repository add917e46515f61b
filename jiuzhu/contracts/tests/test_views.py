"""The pages per role: contracts and settlement (county), the follow list (staff; the
coordinator only their organisation's open cases), one contracted case (coordinator assigns,
township accepts/returns), the statement as page, Excel and PDF; outside users get 404."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.contracts import services
from jiuzhu.contracts.models import ContractedInvestigation
from jiuzhu.testing import UserFactory

from .conftest import accepted_case, entrust, record

pytestmark = pytest.mark.django_db


def test_pages_per_role(client, people, tree, contract):
    case = accepted_case(people, tree)
    inv = entrust(people, case)
    id_number = case.household.members.first().id_number if hasattr(case.household, "members") else ""

    # the coordinator: the follow list shows their organisation's open case, no ID number
    client.force_login(people["coordinator"])
    page = client.get(reverse("contracts:follow")).content.decode()
    assert case.number in page and case.household.head_name in page
    if id_number:
        assert id_number not in page
    assert client.get(reverse("contracts:list")).status_code == 403
    assert client.get(reverse("applications:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("households:list")).status_code in (403, 404)
    response = client.post(reverse("contracts:investigation", args=[inv.pk]),
                           {"action": "assign_surveyor", "surveyor_id": people["surveyor"].pk})
    assert response.status_code == 302
    assert ContractedInvestigation.objects.get(pk=inv.pk).investigator == people["surveyor"]
    # the other organisation: 404 on the case, nothing on its list
    client.force_login(people["other_coordinator"])
    assert client.get(reverse("contracts:investigation", args=[inv.pk])).status_code == 404
    assert case.number not in client.get(reverse("contracts:follow")).content.decode()
    client.force_login(people["other_surveyor"])
    assert client.get(reverse("applications:investigate", args=[case.pk])).status_code == 404
    # the surveyor: 我的调查 and the investigation page, never the case page
    client.force_login(people["surveyor"])
    page = client.get(reverse("applications:my_investigations")).content.decode()
    assert case.number in page
    assert client.get(reverse("applications:investigate", args=[case.pk])).status_code == 200
    assert client.get(reverse("applications:detail", args=[case.pk])).status_code == 404
    record(people["surveyor"], case)

    # the township: return (reason required), then accept
    client.force_login(people["reviewer"])
    assert case.number in client.get(reverse("contracts:follow")).content.decode()
    url = reverse("contracts:investigation", args=[inv.pk])
    assert client.post(url, {"action": "return", "reason": ""}).status_code == 422
    assert client.post(url, {"action": "return", "reason": "照片不清"}).status_code == 302
    record(people["surveyor"], case)
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert ContractedInvestigation.objects.get(pk=inv.pk).state == "accepted"
    export = client.get(reverse("contracts:follow") + "?export=xlsx")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]

    # closed: the surveyor and the coordinator see nothing of it any more
    client.force_login(people["surveyor"])
    assert case.number not in client.get(reverse("applications:my_investigations")).content.decode()
    assert client.get(reverse("applications:investigate", args=[case.pk])).status_code == 404
    client.force_login(people["coordinator"])
    assert client.get(url).status_code == 404

    # the county: the contract, settle a period, the statement
    supervisor = UserFactory(username="sup1", role="supervisor", region=tree["county"])
    client.force_login(supervisor)
    detail = reverse("contracts:detail", args=[contract.pk])
    assert client.get(detail).status_code == 200
    today = timezone.localdate()
    period = {"period_start": date(today.year, 1, 1).isoformat(), "period_end": today.isoformat()}
    assert client.post(detail, period).status_code == 403
    client.force_login(people["approver"])
    assert client.post(detail, {"period_start": "", "period_end": ""}).status_code == 422
    response = client.post(detail, period)
    assert response.status_code == 302
    statement = client.get(response["Location"])
    text = statement.content.decode()
    assert statement.status_code == 200 and case.household.head_name in text and "¥200.00" in text
    assert text.count(case.number) == 1
    xlsx = client.get(response["Location"] + "?format=xlsx")
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]
    pdf = client.get(response["Location"] + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.post(detail, period).status_code == 409
    client.force_login(people["coordinator"])
    assert client.get(response["Location"]).status_code == 404


def test_the_reviewer_entrusts_on_the_case_page(client, people, tree, contract):
    case = accepted_case(people, tree)
    client.force_login(people["reviewer"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert people["rujia"].name in page and people["other"].name not in page
    response = client.post(reverse("applications:act", args=[case.pk, "assign_investigation"]),
                           {"assign_investigation-organisation": people["rujia"].pk})
    assert response.status_code == 302
    assert ContractedInvestigation.objects.get(application=case).organisation == people["rujia"]


def test_contract_registered_on_the_page(client, people, contract):
    client.force_login(people["approver"])
    response = client.post(reverse("contracts:list"), {
        "number": "XH-2027-001", "organisation_id": people["rujia"].pk, "starts_on": "2027-01-01",
        "ends_on": "2027-12-31", "price": "200", "advance": "100000", "funding_source": "budget"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "¥200.00" in page and "¥100000.00" in page
    assert client.post(reverse("contracts:list"), {"number": ""}).status_code == 422
    _ = services
