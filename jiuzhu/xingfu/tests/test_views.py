"""Pages per role: staff post needs and see matching with reasons; a provider sees the
village only until they accept, their order page then; another organisation's provider
gets 404; a provider never opens staff pages; the grid worker confirms."""

import pytest
from django.urls import reverse

from jiuzhu.xingfu import services
from jiuzhu.xingfu.models import Order, ServiceNeed

from .conftest import make_provider, need_data, provider_user

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_staff_post_a_need_and_see_the_matching_reasons(client, household, window_worker,
                                                        volunteer):
    login(client, window_worker)
    assert client.get(reverse("xingfu:needs")).status_code == 200
    r = client.post(reverse("xingfu:needs"), {**need_data(household)})
    need = ServiceNeed.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("xingfu:need", args=[need.pk])
    page = client.get(reverse("xingfu:need", args=[need.pk])).content.decode()
    assert "魏佳" in page and "时段空闲" in page and "待接单" in page
    bad = client.post(reverse("xingfu:needs"), {**need_data(household), "skill": "x"})
    assert bad.status_code == 200 and 'data-error="skill"' in bad.content.decode()
    assert ServiceNeed.objects.count() == 1
    export = client.get(reverse("xingfu:needs") + "?export=xlsx")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_staff_register_a_provider(client, tree, window_worker):
    login(client, window_worker)
    r = client.post(reverse("xingfu:providers"), {
        "name": "便民维修队", "kind": "organisation", "region_code": tree["town1"].code,
        "skills": ["repairs", "cleaning"], "days": ["0", "1"], "from": "08:00", "to": "17:00"})
    assert r.status_code == 302
    page = client.get(reverse("xingfu:providers")).content.decode()
    assert "便民维修队" in page and "维修" in page
    bad = client.post(reverse("xingfu:providers"), {"name": "", "kind": "company",
                                                    "region_code": tree["town1"].code})
    assert 'data-error="name"' in bad.content.decode()


def test_a_provider_sees_the_village_only_then_the_address_after_accepting(
        client, household, window_worker, volunteer):
    need = services.need_create(actor=window_worker, data=need_data(household))
    login(client, volunteer)
    offers = client.get(reverse("xingfu:my_offers")).content.decode()
    assert "第1村" in offers and "第1村3组12号" not in offers and "13900001111" not in offers
    assert "H-XF-1" not in offers
    r = client.post(reverse("xingfu:answer", args=[need.pk]), {"answer": "accept"})
    order = Order.objects.get(need=need)
    assert r["Location"] == reverse("xingfu:order", args=[order.pk])
    page = client.get(reverse("xingfu:order", args=[order.pk])).content.decode()
    assert "第1村3组12号" in page and "13900001111" in page
    # a provider opens no staff page, and no household page
    for name in ("xingfu:needs", "xingfu:providers", "xingfu:confirm"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("xingfu:need", args=[need.pk])).status_code == 403


def test_another_organisations_provider_gets_404(client, tree, household, window_worker,
                                                 volunteer, other_org):
    need = services.need_create(actor=window_worker, data=need_data(household))
    order = services.accept(actor=volunteer, need=need)
    stranger = provider_user("stranger", tree, other_org)
    make_provider(tree, name="别家", user=stranger, kind="company")
    login(client, stranger)
    assert client.get(reverse("xingfu:order", args=[order.pk])).status_code == 404
    assert client.post(reverse("xingfu:order", args=[order.pk]),
                       {"action": "check_in"}).status_code == 404
    assert "第1村" not in client.get(reverse("xingfu:my_offers")).content.decode()


def test_the_grid_worker_confirms_and_another_townships_staff_cannot(
        client, tree, household, window_worker, volunteer, grid_worker):
    from jiuzhu.testing import UserFactory

    need = services.need_create(actor=window_worker, data=need_data(household))
    order = services.accept(actor=volunteer, need=need)
    services.order_act(actor=volunteer, order=order, action="check_in")
    services.order_act(actor=volunteer, order=order, action="check_out")
    other = UserFactory(username="window2", role="window_worker", region=tree["town2"])
    login(client, other)
    assert 'data-testid="to-confirm"' not in client.get(reverse("xingfu:confirm")).content.decode()
    assert client.post(reverse("xingfu:confirm"), {"order": order.pk, "rating": "5"}
                       ).status_code == 404
    login(client, grid_worker)
    page = client.get(reverse("xingfu:confirm")).content.decode()
    assert 'data-testid="to-confirm"' in page
    missing = client.post(reverse("xingfu:confirm"), {"order": order.pk})
    assert 'data-error="rating"' in missing.content.decode()
    client.post(reverse("xingfu:confirm"), {"order": order.pk, "rating": "4"})
    order.refresh_from_db()
    assert order.rating == 4 and order.need.state == "confirmed"
