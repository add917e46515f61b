"""The access layer (jiuzhu/core/access.py): who sees what, in one place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from jiuzhu.core.access import SYSTEM, visible_path
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register, household_set_grid
from jiuzhu.intake.models import Request, RequestItem
from jiuzhu.regions.models import Region
from jiuzhu.testing import UserFactory, household_dict

ROOT = Path(__file__).resolve().parents[2]

# Region-path filters written by hand: access decisions belong in core/access.py only.
HAND_WRITTEN = re.compile(
    r"region_path__startswith|path__startswith|region_path\.startswith|startswith\([^)]*(region_path|user_path)")


def test_no_region_filter_is_written_outside_the_access_layer():
    offenders = []
    for path in sorted((ROOT / "jiuzhu").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative == "jiuzhu/core/access.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_WRITTEN.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "use Model.objects.visible_to(user) / .within(region):\n" + "\n".join(offenders)


@pytest.fixture
def homes(tree):
    """One household in each township; the first placed in its village's grid."""
    first = household_register(actor=SYSTEM, data=household_dict(region_code=tree["village1"].code),
                               grid_code=tree["grid1"].code)
    second = household_register(actor=SYSTEM, data=household_dict(region_code=tree["village2"].code))
    return first, second


def test_who_sees_which_households(tree, homes, window_worker, superuser):
    first, second = homes
    assert first.region_path == tree["grid1"].path and first.region == tree["village1"]
    nobody = UserFactory(role="window_worker", region=None)
    grid_worker = UserFactory(role="grid_worker", region=tree["grid1"])
    other_grid = UserFactory(role="grid_worker", region=tree["grid2"])
    seen = {
        "anonymous": AnonymousUser(), "none": None, "no region": nobody,
        "window1": window_worker, "grid1": grid_worker, "grid2": other_grid,
        "superuser": superuser, "system": SYSTEM,
    }
    expected = {
        "anonymous": set(), "none": set(), "no region": set(), "window1": {first.pk},
        "grid1": {first.pk}, "grid2": set(), "superuser": {first.pk, second.pk},
        "system": {first.pk, second.pk},
    }
    for name, user in seen.items():
        got = set(Household.objects.visible_to(user).values_list("pk", flat=True))
        assert got == expected[name], name
    assert visible_path(window_worker, first.region_path)
    assert not visible_path(window_worker, second.region_path)
    assert not visible_path(nobody, first.region_path)


def test_a_grid_worker_sees_the_grids_assigned_to_them(tree, homes):
    from jiuzhu.leads.models import GridAssignment

    first, _second = homes
    worker = UserFactory(role="grid_worker", region=tree["grid2"])
    assert not Household.objects.visible_to(worker).exists()
    GridAssignment.objects.create(grid=tree["grid1"], worker=worker, region_path=tree["grid1"].path)
    assert list(Household.objects.visible_to(worker)) == [first]


def test_moving_a_household_between_grids(tree, homes, window_worker):
    from jiuzhu.core.errors import ServiceError

    first, _second = homes
    household_set_grid(actor=window_worker, household=first, grid_code=None)
    first.refresh_from_db()
    assert first.grid is None and first.region_path == tree["village1"].path
    with pytest.raises(ServiceError) as refused:
        household_set_grid(actor=window_worker, household=first, grid_code=tree["grid2"].code)
    assert refused.value.errors[0]["path"] == "grid_code"


def test_a_department_officer_sees_only_what_is_with_the_department(tree, homes):
    from jiuzhu.catalogue.models import Item

    first, second = homes
    officer = UserFactory(role="department_officer", region=tree["county"], department="JY")
    other = UserFactory(role="department_officer", region=tree["county"], department="CL")
    assert not Household.objects.visible_to(officer).exists()
    item = Item.objects.filter(code="JY02").order_by("-valid_from").first()
    request = Request.objects.create(
        number="SL1", query_code="QQQQQQQQ", household=first, region=tree["town1"],
        region_path=first.region_path, channel="window", status="open",
        applicant_name="张三", received_on="2026-03-02")
    row = RequestItem.objects.create(
        request=request, item=item, item_code="JY02", item_name=item.name, department_code="JY",
        mode="transfer", household=first, region_path=first.region_path, state="transferred",
        limit=15, started_on="2026-03-02")
    assert list(Household.objects.visible_to(officer)) == [first]
    assert list(RequestItem.objects.visible_to(officer)) == [row]
    assert list(Request.objects.visible_to(officer)) == [request]
    assert not Household.objects.visible_to(other).exists()
    assert not RequestItem.objects.visible_to(other).exists()
    # once the department has finished the item, the household is no longer theirs to see
    RequestItem.objects.filter(pk=row.pk).update(state="finished")
    assert not Household.objects.visible_to(officer).exists()
    assert list(RequestItem.objects.visible_to(officer)) == [row]
    # of models without a department scope, an officer sees nothing
    assert not Region.objects.visible_to(officer).exists()
    assert second not in Household.objects.visible_to(officer)


def test_the_household_page_places_a_household_in_a_grid(client, tree, homes, window_worker):
    from django.urls import reverse

    _first, second = homes
    worker = UserFactory(role="grid_worker", region=tree["grid2"])
    client.force_login(worker)
    assert client.get(reverse("households:detail", args=[second.pk])).status_code == 404
    client.force_login(window_worker)  # another township's window: not theirs to move
    assert client.post(reverse("households:grid", args=[second.pk]),
                       {"grid_code": tree["grid2"].code}).status_code == 404
    other = UserFactory(role="window_worker", region=tree["town2"])
    client.force_login(other)
    page = client.get(reverse("households:detail", args=[second.pk])).content.decode()
    assert "未划入网格" in page and f'value="{tree["grid2"].code}"' in page
    client.post(reverse("households:grid", args=[second.pk]), {"grid_code": tree["grid2"].code})
    second.refresh_from_db()
    assert second.grid == tree["grid2"] and second.region_path == tree["grid2"].path
    client.force_login(worker)
    page = client.get(reverse("households:detail", args=[second.pk])).content.decode()
    assert tree["grid2"].name in page
    client.force_login(other)
    response = client.post(reverse("households:grid", args=[second.pk]),
                           {"grid_code": tree["grid1"].code}, follow=True)
    assert "不在" in response.content.decode()  # a grid of another village is refused, named
    second.refresh_from_db()
    assert second.grid == tree["grid2"]
