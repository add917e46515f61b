"""转赠 goes only to a family the volunteer served (a confirmed 幸福云 order): the choice list
shows those families by name and village (no ID number); any other family is refused naming
the field and nothing changes — on the page, in the service and on the API."""

import pytest
from django.urls import reverse

from jiuzhu.core.errors import ServiceError
from jiuzhu.points import services
from jiuzhu.points.models import PointAccount, PointEntry
from jiuzhu.testing import ApiClient

pytestmark = pytest.mark.django_db


def test_the_service_refuses_a_family_not_served(volunteer, household, other_household, issued,
                                                  served):
    served.add(household.pk)
    before = PointEntry.objects.count()
    with pytest.raises(ServiceError) as error:
        services.transfer(actor=volunteer, source=issued.credit, target=other_household,
                          amount=5)
    assert error.value.errors[0]["path"] == "target"
    assert "服务过的家庭" in error.value.message
    other = services.family_account(other_household)
    with pytest.raises(ServiceError):
        services.transfer(actor=volunteer, source=issued.credit, target=other.pk, amount=5)
    assert PointEntry.objects.count() == before
    entry = services.transfer(actor=volunteer, source=issued.credit, target=household, amount=5)
    assert entry.credit.household == household and entry.credit.balance == 5


def test_the_page_lists_only_the_families_served(client, volunteer, household, other_household,
                                                 issued, served):
    url = reverse("points:account", args=[issued.credit_id])
    client.force_login(volunteer)
    page = client.get(url).content.decode()
    assert 'data-testid="transfer-none"' in page and 'data-testid="transfer-form"' not in page
    served.add(household.pk)
    page = client.get(url).content.decode()
    assert f'<option value="{household.pk}">{household.head_name} · {household.region.name}' in page
    assert f'value="{other_household.pk}"' not in page
    for member in household.members.all():
        assert member.id_number not in page
    refused = client.post(url, {"target": other_household.pk, "amount": 5})
    assert refused.status_code == 422
    assert "只能转赠给您服务过的家庭" in refused.content.decode()
    assert PointEntry.objects.filter(kind="transfer").count() == 0
    assert not PointAccount.objects.filter(household=other_household).exists()
    assert client.post(url, {"target": household.pk, "amount": 5}).status_code == 302
    assert PointEntry.objects.filter(kind="transfer").count() == 1


def test_the_api_checks_the_same(client, volunteer, household, other_household, issued, served):
    served.add(household.pk)
    api = ApiClient(client, {"vol": volunteer}, "")
    listed = api.get("vol", f"/api/v1/points/accounts/{issued.credit_id}/families").json()
    assert listed == [{"household_id": household.pk, "name": household.head_name,
                       "village": household.region.name}]
    body = {"source_account_id": issued.credit_id, "amount": 5}
    refused = api.post("vol", "/api/v1/points/transfers",
                       {**body, "target_household_id": other_household.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "target_household_id"
    other = services.family_account(other_household)
    refused = api.post("vol", "/api/v1/points/transfers", {**body, "target_account_id": other.pk})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "target"
    assert PointEntry.objects.filter(kind="transfer").count() == 0
    done = api.post("vol", "/api/v1/points/transfers", {**body, "target_household_id": household.pk})
    assert done.status_code == 201, done.content
