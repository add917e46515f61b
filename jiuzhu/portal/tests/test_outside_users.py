"""The outside-user sweep (#12): the users of outside organisations — 社工 ``socialworker1``,
志愿者 ``volunteer1``, 第三方调查 ``coordinator1`` and ``surveyor1``, 驿站 ``station1`` — and a
user of each of those roles in *another* organisation request every route of the project
(pages and ``/api/v1/…``, read from the URL resolver as the route sweep does, with real ids
of the demo's objects) on the small demo county. None of the answers may hold the ID number
or an income figure of a family not assigned to them (``Household.objects.visible_to``);
the register's pages (households, the case pages of applications, verification, the audit
log) refuse them all; every page their menu shows opens. A failure names the URL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.urls import get_resolver

from jiuzhu.accounts.choices import OrganisationKind, Role
from jiuzhu.portal.tests.test_route_sweep import PARAM, fill, kind_of, walk

DEMO_OUTSIDE = ("socialworker1", "volunteer1", "coordinator1", "surveyor1", "station1")
ROLES = (Role.SOCIAL_WORKER, Role.PROVIDER, Role.COORDINATOR, Role.SURVEYOR,
         Role.STATION_KEEPER)

# Not requested: the admin site, static files, language switch, sign-out.
SKIP = (r"^admin/", r"^static/", r"^i18n/", r"^accounts/logout")

# The register's own pages: refused to every outside user (the surveyor's phone
# 我的调查 and investigation page are the one exception, below).
REGISTER = (r"^households/", r"^api/v1/households", r"^applications/",
            r"^api/v1/applications", r"^verification/", r"^api/v1/verification", r"^audit/",
            r"^api/v1/audit", r"^assessments/", r"^payments/", r"^api/v1/payrolls")
REFUSED = {302, 401, 403, 404, 405}


def every_route() -> list[str]:
    return sorted({r for r in walk(get_resolver().url_patterns)
                   if not any(re.match(p, r) for p in SKIP)})


def first_objects() -> dict[str, Any]:
    """The first object of each kind the route sweep names (anywhere in the county)."""
    from jiuzhu.portal.tests.test_route_sweep import OBJECTS

    found: dict[str, Any] = {}
    for _pattern, label, _how in OBJECTS:
        obj = apps.get_model(label)._default_manager.order_by("pk").first()
        if obj is not None:
            found[label] = obj
    return found


def url_of(route: str, objects: dict[str, Any]) -> str | None:
    """The route filled with a real object (a known kind) or the first ids (another)."""
    if not PARAM.search(route):
        return "/" + route.lstrip("^").rstrip("$")
    kind = kind_of(route)
    if kind is not None:
        obj = objects.get(kind[0])
        return fill(route, obj, kind[1]) if obj is not None else None
    out = route
    for match in PARAM.finditer(route):
        value = {"action": "accept", "code": "990102001001"}.get(match.group("name"), "1")
        out = out.replace(match.group(0), value, 1)
    return "/" + out.lstrip("^").rstrip("$")


def secrets_hidden_from(user: Any) -> dict[str, str]:
    """ID numbers and income figures (yuan, two decimals) of the families ``user`` may not
    see → the family's number, to name it."""
    from jiuzhu.households.models import Household, Member

    visible = set(Household.objects.visible_to(user).values_list("pk", flat=True))
    out: dict[str, str] = {}
    for member in Member.objects.exclude(household_id__in=visible).select_related("household"):
        out[member.id_number] = member.household.household_id
        for fen in (member.wages, member.business, member.property, member.pension):
            if fen >= 100_000 and fen % 100:  # 1,000.xx yuan and more: not a chance match
                out[f"{fen / 100:,.2f}"] = member.household.household_id
                out[f"{fen / 100:.2f}"] = member.household.household_id
    return out


def outside_users() -> dict[str, Any]:
    """The demo's outside users and a user of each outside role of another organisation."""
    from jiuzhu.accounts.models import Organisation, User
    from jiuzhu.regions.models import Region
    from jiuzhu.testing import UserFactory

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_OUTSIDE)}
    assert set(users) == set(DEMO_OUTSIDE), "the demo has every outside user"
    county = Region.objects.get(code="990102")
    other = Organisation.objects.create(name="另一家社会组织（外部用户测试）",
                                        kind=OrganisationKind.SOCIAL_ORG, region=county)
    for role in ROLES:
        users[f"other_{role}"] = UserFactory(username=f"other_{role}", role=role, region=county,
                                             organisation=other)
    return users


@pytest.mark.django_db
def test_an_outside_users_home_shows_their_work_and_no_register_figure(client, tree):
    from jiuzhu.accounts.models import Organisation
    from jiuzhu.testing import UserFactory

    organisation = Organisation.objects.create(name="首页测试社会组织",
                                               kind=OrganisationKind.VOLUNTEER_TEAM,
                                               region=tree["town1"])
    volunteer = UserFactory(username="home_volunteer", role=Role.PROVIDER,
                            region=tree["town1"], organisation=organisation)
    client.force_login(volunteer)
    page = client.get("/").content.decode()
    assert "首页测试社会组织" in page
    assert 'data-testid="work-offers"' in page and 'href="/xingfu/offers/"' in page
    assert 'data-testid="household-total"' not in page and "在册家庭" not in page
