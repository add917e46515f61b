"""The demo grid workers and leads."""

import pytest

from jiuzhu.accounts.demo import DEMO_PASSWORD, load_users
from jiuzhu.leads.demo import load_leads_demo
from jiuzhu.leads.models import GridAssignment, Lead, VisitTask
from jiuzhu.regions.demo import load_regions

pytestmark = pytest.mark.django_db


def test_every_demo_grid_has_a_worker_and_the_leads_are_in_every_state(clock):
    regions = load_regions()
    load_users(regions)
    grids = [r for r in regions.values() if r.level == "grid"]
    first = load_leads_demo(regions)
    assert first["leads_added"] == 4 and first["grid_workers_added"] == len(grids) - 1
    assert GridAssignment.objects.count() == len(grids)
    assert GridAssignment.objects.get(grid__code="990102001001001").worker.username == "grid1"
    worker = GridAssignment.objects.get(grid__code="990102001002001").worker
    assert worker.role == "grid_worker" and worker.check_password(DEMO_PASSWORD)
    assert sorted(Lead.objects.values_list("status", flat=True)) == [
        "closed", "new", "visiting", "visiting"]
    assert VisitTask.objects.filter(status="open", assignee__username="grid1").count() == 1
    assert load_leads_demo(regions) == {"grid_workers_added": 0, "leads_added": 0}
    assert Lead.objects.count() == 4
