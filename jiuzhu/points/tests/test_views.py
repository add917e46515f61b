"""The points pages per role: staff see the region's accounts, the supermarket and the
statement; a volunteer sees their own account only (another's: 404); a station keeper of
a station with a supermarket point runs the counter; a social worker gets 403."""

import pytest
from django.urls import reverse

from jiuzhu.accounts.models import Organisation
from jiuzhu.points import services
from jiuzhu.points.models import Good, PointEntry, Redemption
from jiuzhu.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_staff_accounts_and_export(client, county_staff, household, issued, volunteer):
    family = services.family_account(household)
    services.transfer(actor=volunteer, source=issued.credit, target=family, amount=20)
    login(client, county_staff)
    response = client.get(reverse("points:accounts"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "魏佳" in text and family.name in text and "data-issued>120<" in text.replace(" ", "")
    response = client.get(reverse("points:accounts") + "?export=xlsx")
    assert response.status_code == 200 and "spreadsheet" in response["Content-Type"]
    assert client.get(reverse("points:account", args=[family.pk])).status_code == 200


def test_volunteer_sees_own_account_only(client, volunteer, other_volunteer, issued, household):
    login(client, volunteer)
    response = client.get(reverse("points:accounts"))
    assert response.status_code == 302
    assert response["Location"] == reverse("points:account", args=[issued.credit_id])
    response = client.get(response["Location"])
    assert response.status_code == 200 and "data-testid=\"transfer-form\"" in response.content.decode()
    assert client.get(reverse("points:supermarket")).status_code == 403
    assert client.get(reverse("points:statement")).status_code == 403
    client.force_login(other_volunteer)
    assert client.get(reverse("points:account", args=[issued.credit_id])).status_code == 404


def test_volunteer_transfers_on_the_page(client, volunteer, household, issued):
    family = services.family_account(household)
    login(client, volunteer)
    url = reverse("points:account", args=[issued.credit_id])
    response = client.post(url, {"target": household.pk, "amount": 500})
    assert response.status_code == 409 and "积分余额 120" in response.content.decode()
    assert PointEntry.objects.count() == 1
    response = client.post(url, {"target": household.pk, "amount": 20})
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.balance == 20


def test_counter_redeems_and_refuses(client, reviewer, issued, goods):
    login(client, reviewer)
    url = reverse("points:supermarket")
    page = client.get(url).content.decode()
    assert "大米" in page and "redeem-form" in page
    response = client.post(url, {"form": "redeem", "redeem-account": issued.credit_id,
                                 "redeem-good": goods["oil"].pk, "redeem-quantity": 3})
    assert response.status_code == 409 and "食用油库存 2桶，不足 3桶" in response.content.decode()
    assert Redemption.objects.count() == 0
    response = client.post(url, {"form": "redeem", "redeem-account": issued.credit_id,
                                 "redeem-good": goods["oil"].pk, "redeem-quantity": 2})
    assert response.status_code == 302 and Good.objects.get(pk=goods["oil"].pk).stock == 0
    response = client.post(url, {"form": "donate", "donate-good": goods["oil"].pk,
                                 "donate-kind": "donation", "donate-quantity": 4,
                                 "donate-donor": "示范县粮油公司"})
    assert response.status_code == 302 and Good.objects.get(pk=goods["oil"].pk).stock == 4
    response = client.get(reverse("points:statement"))
    text = response.content.decode()
    assert response.status_code == 200 and "示范县粮油公司" in text
    assert client.get(reverse("points:statement") + "?export=xlsx").status_code == 200


def test_station_keeper_with_a_supermarket_point_runs_the_counter(client, tree, goods):
    from jiuzhu.stations.models import LoveStation

    org = Organisation.objects.create(name="第1村爱心驿站", kind="love_station",
                                      region=tree["village1"], region_path=tree["village1"].path)
    keeper = UserFactory(username="station9", role="station_keeper", region=tree["village1"],
                         organisation=org)
    login(client, keeper)
    assert client.get(reverse("points:supermarket")).status_code == 403
    LoveStation.objects.create(name="第1村爱心驿站", host=org, region=tree["village1"],
                               region_path=tree["village1"].path, address="第1村",
                               offerings=["supermarket"])
    page = client.get(reverse("points:supermarket")).content.decode()
    assert "大米" in page and "redeem-form" in page and "good-form" not in page
    assert client.get(reverse("points:accounts")).status_code == 403


def test_social_worker_and_anonymous_are_refused(client, tree, organisation):
    worker = UserFactory(username="sw9", role="social_worker", region=tree["county"],
                         organisation=organisation)
    assert client.get(reverse("points:accounts")).status_code == 302  # to the login
    login(client, worker)
    for name in ("points:accounts", "points:supermarket", "points:statement"):
        assert client.get(reverse(name)).status_code == 403
    assert PASSWORD


def test_a_volunteer_of_another_organisation_gets_404_and_no_family_name(
        client, tree, volunteer, household, issued):
    other_org = Organisation.objects.create(name="示范县家政服务公司", kind="company",
                                            region=tree["county"],
                                            region_path=tree["county"].path)
    stranger = UserFactory(username="vol9", role="provider", region=tree["county"],
                           organisation=other_org)
    family = services.family_account(household)
    login(client, stranger)
    assert client.get(reverse("points:account", args=[issued.credit_id])).status_code == 404
    assert client.get(reverse("points:account", args=[family.pk])).status_code == 404
    assert client.post(reverse("points:account", args=[issued.credit_id]),
                       {"target": household.pk, "amount": 1}).status_code == 404
    client.force_login(volunteer)
    response = client.post(reverse("points:account", args=[issued.credit_id]),
                           {"target": household.pk, "amount": 5}, follow=True)
    text = response.content.decode()
    # the entry names the family's account only; the choice list names the families the
    # volunteer served (name and village), never an ID number
    assert f"家庭账户 {family.pk}" in text
    assert household.members.first().id_number not in text
