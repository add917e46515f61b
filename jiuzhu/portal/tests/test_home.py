from django.urls import reverse

from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict


def test_home_counts_only_the_users_region(client, window_worker, other_window_worker):
    household_register(actor=window_worker, data=household_dict())
    household_register(actor=window_worker, data=household_dict(members=[member_dict()]))
    household_register(actor=other_window_worker,
                       data=household_dict(region_code="990102002001"))
    client.force_login(window_worker)
    page = client.get(reverse("portal:home"))
    assert page.context["totals"] == {"total": 2, "people": 3}
    assert [(r.code, n) for r, n in page.context["by_region"]] == [("990102001001", 2)]


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
