"""The demo of 幸福云: 3 companies, 30 volunteers (volunteer1 among them), needs in every
state, confirmed orders with points; loading twice adds nothing."""

import pytest

from jiuzhu.accounts.demo import load_users
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.leads.demo import load_grid_workers
from jiuzhu.points.models import PointEntry
from jiuzhu.regions.demo import load_regions
from jiuzhu.testing import household_dict
from jiuzhu.xingfu import demo
from jiuzhu.xingfu.choices import NeedState
from jiuzhu.xingfu.models import Order, Provider, ServiceNeed

pytestmark = pytest.mark.django_db


def test_the_demo_has_providers_and_needs_in_every_state():
    regions = load_regions()
    load_users(regions)
    load_grid_workers(regions)
    for n, grid in enumerate(["990102001001001", "990102001001002", "990102002001001"]):
        household_register(actor=SYSTEM, data=household_dict(
            household_id=f"H-DEMO-XF-{n}", region_code=grid[:12]), grid_code=grid)
    assert demo.load() > 0
    assert Provider.objects.filter(kind="company").count() == 3
    assert Provider.objects.filter(kind="volunteer").count() == 30
    assert Provider.objects.filter(user__username="volunteer1").exists()
    assert set(ServiceNeed.objects.values_list("state", flat=True)) == set(NeedState.values)
    confirmed = Order.objects.filter(need__state="confirmed")
    assert confirmed.count() == 4 and all(o.rating for o in confirmed)
    assert PointEntry.objects.filter(order_id__in=confirmed.values("pk")).count() == 4
    assert demo.load() == 0
