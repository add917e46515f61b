"""Needs posted by a social worker (from one of their open cases: the case is recorded on
the need) and by a station keeper (for the family of a lead reported under their station:
the station is recorded) — pages and API, never for another household; the station's
services-delivered count counts them."""

import pytest
from django.urls import reverse

from jiuzhu.accounts.models import Organisation
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.leads.models import Lead
from jiuzhu.socialwork.models import SocialCase
from jiuzhu.stations import services as station_services
from jiuzhu.stations.selectors import with_counts
from jiuzhu.testing import ApiClient, UserFactory
from jiuzhu.xingfu import services
from jiuzhu.xingfu.models import ServiceNeed

from .conftest import need_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw_org(tree):
    return Organisation.objects.create(name="示范县社会工作服务中心", kind="social_org",
                                       region=tree["county"])


@pytest.fixture
def social_worker(tree, sw_org):
    return UserFactory(username="sw1", role="social_worker", region=tree["county"],
                       organisation=sw_org, full_name="黄晓燕")


@pytest.fixture
def other_social_worker(tree):
    org = Organisation.objects.create(name="另一家社工机构", kind="social_org",
                                      region=tree["county"])
    return UserFactory(username="sw9", role="social_worker", region=tree["county"],
                       organisation=org, full_name="江海")


def make_case(household, org, worker, state="open"):
    return SocialCase.objects.create(
        household=household, region=household.region, region_path=household.region_path,
        contact_name="户主甲", address="第1村3组12号", phone="13900001111", organisation=org,
        social_worker=worker, phase="during", trigger="lead", state=state)


@pytest.fixture
def case(household, sw_org, social_worker):
    return make_case(household, sw_org, social_worker)


@pytest.fixture
def station_org(tree):
    return Organisation.objects.create(name="第1村爱心驿站", kind="love_station",
                                       region=tree["village1"])


@pytest.fixture
def station(tree, station_org):
    return station_services.station_register(actor=SYSTEM, data={
        "name": "第1村爱心驿站", "host_id": station_org.pk, "region_code": tree["village1"].code,
        "address": "人民路 2 号", "offerings": ["report"]})


@pytest.fixture
def keeper(tree, station_org):
    return UserFactory(username="keeper1", role="station_keeper", region=tree["village1"],
                       organisation=station_org, full_name="龙梅")


@pytest.fixture
def other_keeper(tree):
    org = Organisation.objects.create(name="别家驿站", kind="love_station",
                                      region=tree["village1"])
    station_services.station_register(actor=SYSTEM, data={
        "name": "别家驿站", "host_id": org.pk, "region_code": tree["village1"].code,
        "address": "人民路 9 号", "offerings": ["report"]})
    return UserFactory(username="keeper9", role="station_keeper", region=tree["village1"],
                       organisation=org, full_name="贺春")


def make_lead(station, household, tree):
    return Lead.objects.create(
        source="love_station", station=station, station_name=station.name, person_name="陈老汉",
        region=tree["grid1"], region_path=tree["grid1"].path, description="独居老人",
        household=household)


@pytest.fixture
def lead(station, household, tree):
    return make_lead(station, household, tree)


def body(**extra):
    data = {k: v for k, v in need_data(type("H", (), {"household_id": ""})()).items()
            if k != "household_id"}
    return {**data, **extra}


def test_a_social_worker_posts_for_their_open_case(case, social_worker, volunteer):
    need = services.need_create(actor=social_worker, data=body(social_case_id=case.pk))
    assert need.social_case == case and need.household == case.household
    assert need.posted_by == social_worker and need.state == "offered"
    assert need.address == "第1村3组12号"


def test_a_social_worker_cannot_post_for_another_household(
        case, social_worker, other_social_worker, sw_org, other_household):
    # another worker's case: not found, nothing created
    with pytest.raises(ServiceError) as error:
        services.need_create(actor=other_social_worker, data=body(social_case_id=case.pk))
    assert error.value.code == "not_found" and "不是您负责的个案" in error.value.message
    # by 家庭编号 directly (staff's way): refused with a clear message
    with pytest.raises(ServiceError) as error:
        services.need_create(actor=social_worker,
                             data=body(household_id=other_household.household_id))
    assert error.value.code == "forbidden" and "个案页面" in error.value.message
    # a closed case: refused naming the field
    closed = make_case(other_household, sw_org, social_worker, state="closed")
    with pytest.raises(ServiceError) as error:
        services.need_create(actor=social_worker, data=body(social_case_id=closed.pk))
    assert error.value.errors[0]["path"] == "social_case_id"
    assert ServiceNeed.objects.count() == 0


def test_a_keeper_posts_for_a_family_their_station_reported(
        lead, keeper, station, volunteer, grid_worker, other_keeper, household, tree):
    need = services.need_create(actor=keeper, data=body(lead_id=lead.pk))
    assert need.station == station and need.household == household
    # another station's keeper: not found; a lead not linked to a family: refused by name
    with pytest.raises(ServiceError) as error:
        services.need_create(actor=other_keeper, data=body(lead_id=lead.pk))
    assert error.value.code == "not_found"
    bare = make_lead(station, None, tree)
    with pytest.raises(ServiceError) as error:
        services.need_create(actor=keeper, data=body(lead_id=bare.pk))
    assert error.value.errors[0]["path"] == "lead_id"
    assert ServiceNeed.objects.count() == 1
    # served and checked out: the station's 服务次数 counts it
    services.accept(actor=volunteer, need=need)
    order = services.order_act(actor=volunteer, order=need.order, action="check_in")
    assert with_counts([station])[0].services_delivered == 0  # type: ignore[attr-defined]
    services.order_act(actor=volunteer, order=order, action="check_out")
    assert with_counts([station])[0].services_delivered == 1  # type: ignore[attr-defined]


def test_the_api_takes_them_with_the_same_scoping(
        client, case, lead, social_worker, other_social_worker, keeper, other_keeper, volunteer):
    api = ApiClient(client, {"sw": social_worker, "sw9": other_social_worker, "keeper": keeper,
                             "keeper9": other_keeper}, "")
    r = api.post("sw", "/api/v1/needs", body(social_case_id=case.pk))
    assert r.status_code == 201, r.content
    assert r.json()["social_case_id"] == case.pk and r.json()["address"] == "第1村3组12号"
    assert api.post("sw9", "/api/v1/needs", body(social_case_id=case.pk)).status_code == 404
    assert api.post("sw", "/api/v1/needs", body(lead_id=lead.pk)).status_code == 403
    r = api.post("keeper", "/api/v1/needs", body(lead_id=lead.pk))
    assert r.status_code == 201, r.content
    assert r.json()["station_id"] == lead.station_id
    assert api.post("keeper9", "/api/v1/needs", body(lead_id=lead.pk)).status_code == 404
    assert api.post("keeper", "/api/v1/needs", body(social_case_id=case.pk)).status_code == 403
    assert ServiceNeed.objects.count() == 2


def test_the_pages_show_the_button_only_where_allowed(
        client, case, lead, social_worker, other_social_worker, keeper, other_keeper, station,
        volunteer):
    client.force_login(social_worker)
    page = client.get(reverse("socialwork:detail", args=[case.pk])).content.decode()
    assert 'data-testid="post-need"' in page
    url = reverse("xingfu:post") + f"?case={case.pk}"
    form = client.get(url)
    assert form.status_code == 200 and "户主甲" in form.content.decode()
    bad = client.post(url, {**body(), "skill": "x"})
    assert bad.status_code == 422 and 'data-error="skill"' in bad.content.decode()
    done = client.post(url, body())
    assert done.status_code == 302 and done.url == reverse("socialwork:detail", args=[case.pk])
    page = client.get(reverse("socialwork:detail", args=[case.pk])).content.decode()
    assert "助洁" in page and "待接单" in page
    assert client.get(reverse("xingfu:post") + f"?lead={lead.pk}").status_code == 403
    client.force_login(other_social_worker)
    assert client.get(url).status_code == 404
    client.force_login(keeper)
    page = client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    assert 'data-testid="post-need"' in page
    lead_url = reverse("xingfu:post") + f"?lead={lead.pk}"
    assert client.post(lead_url, body()).url == reverse("stations:detail", args=[station.pk])
    page = client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    assert 'data-testid="station-needs"' in page and "助洁" in page
    client.force_login(other_keeper)
    assert client.get(lead_url).status_code == 404
    assert ServiceNeed.objects.filter(station=station).count() == 1
