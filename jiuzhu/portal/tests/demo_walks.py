"""The small demo county (one household a village) walked by its users, loaded once for the
three walks (``small_demo``, ``conftest.py``; each test rolled back on its own):

- **no link leads to a 403**: every demo user opens the home page, every page of their menu
  and the first case of every list there, and follows every link on those pages — none is
  refused (403), none fails (500), none is missing (404) for a user who was shown it;
- **the route sweep** (``test_route_sweep.py`` holds the route table): every route naming an
  object of 城关街道 is refused to the users of another township, a user with no region and
  anonymous visitors, and nothing changes;
- **the outside-user sweep** (``test_outside_users.py`` holds its tables): outside users read
  no family not assigned to them on any route."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.test import Client

from jiuzhu.accounts.choices import Role
from jiuzhu.portal.tests.test_outside_users import (
    REFUSED,
    REGISTER,
    every_route,
    first_objects,
    outside_users,
    secrets_hidden_from,
    url_of,
)
from jiuzhu.portal.tests.test_route_sweep import (
    ALLOWED_API,
    ALLOWED_PAGE,
    OTHER_TOWN,
    TOWN,
    counts,
    fill,
    kind_of,
    object_routes,
    sweepers,
    world_objects,
)

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
# Links that leave the staff pages or change the session: not followed.
SKIP = re.compile(r"^/(accounts/logout|i18n/|static/|api/v1/docs|self/|notice/|admin/)")
# A detail page reached from a list: /app/<number>/ and the like.
DETAIL = re.compile(r"^/[a-z-]+/(?:[a-z-]+/)?\d+/$")


def links(html: str) -> list[str]:
    out = []
    for href in HREF.findall(html):
        path = urlsplit(href.replace("&amp;", "&")).path
        if not SKIP.match(path):
            out.append(href.replace("&amp;", "&"))
    return out




@pytest.mark.slow
@pytest.mark.django_db
def test_no_link_shown_to_a_demo_user_is_refused(small_demo, client):
    from jiuzhu.accounts.demo import DEMO_OUTSIDE_USERS, DEMO_USERS
    from jiuzhu.accounts.models import User
    from jiuzhu.portal.menu import entries_for

    # A document's download link renders it on demand: stand-ins (the small_demo fixture's)
    problems = []
    # one demo user of each role (the README's table; not the grid worker of every grid)
    names = ["admin", *(row[0] for row in [*DEMO_USERS, *DEMO_OUTSIDE_USERS])]
    for user in User.objects.filter(username__in=names).order_by("username"):
        client.force_login(user)
        pages = ["/"] + [e.url() for e in entries_for(user) if not e.href]
        seen: set[str] = set()
        details: list[str] = []
        for page in pages:
            response = client.get(page, follow=True)  # 我的积分 → the volunteer's account
            assert response.status_code == 200, (user.username, page, response.status_code)
            found = links(response.content.decode())
            details += [u for u in found if DETAIL.match(urlsplit(u).path)][:1]
            if len(details) >= 4:
                details = details[:4]
            seen.update(found)
        for page in details:
            response = client.get(page)
            if response.status_code == 200:
                seen.update(links(response.content.decode()))
        shapes: dict[str, str] = {}  # one link of each shape (/households/N/ …) is enough
        for url in sorted(seen):
            shapes.setdefault(re.sub(r"\d+", "N", urlsplit(url).path), url)
        for url in sorted(shapes.values()):
            status = client.get(url).status_code
            if status not in (200, 302):
                problems.append(f"{user.username}: {url} → {status}")
        client.logout()
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.django_db
def test_no_route_shows_or_changes_a_case_of_another_township(small_demo, client):
    from jiuzhu.regions.models import Region

    regions = {r.code: r for r in Region.objects.filter(code__in=[TOWN, OTHER_TOWN])}
    objects = world_objects()
    users = sweepers(regions)
    for name, user in users.items():
        for label, obj in objects.items():
            model = apps.get_model(label)
            qs = model._default_manager.all()
            if hasattr(qs, "visible_to"):
                assert not qs.visible_to(user).filter(pk=obj.pk).exists(), (name, label)
    before = counts()
    # One client a sweeper, signed in once (a sign-in per route took a fifth of the time).
    clients = {"anonymous": client}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    swept, leaks, missing = 0, [], set()
    for route in object_routes():
        model, how = kind_of(route)  # type: ignore[misc]
        obj = objects.get(model)
        if obj is None:
            missing.add(model)
            continue
        url = fill(route, obj, how)
        is_api = url.startswith("/api/")
        for name, signed_in in clients.items():
            for method in ("get", "post"):
                if method == "post" and is_api:  # an API client sends a JSON body
                    response = signed_in.post(url, "{}", content_type="application/json")
                else:
                    response = getattr(signed_in, method)(url)
                swept += 1
                allowed = ALLOWED_API if is_api else ALLOWED_PAGE
                if response.status_code not in allowed or (
                        response.status_code == 302 and "/accounts/login" not in response["Location"]):
                    leaks.append(f"{method.upper()} {url} as {name}: {response.status_code}")
    assert not leaks, "\n".join(leaks)
    assert counts() == before
    # The demo must hold an object of every kind the routes name, or the sweep sees nothing
    # of those routes. Kinds the small demo does not hold yet are listed here by name.
    assert missing <= NOT_IN_SMALL_DEMO, sorted(missing - NOT_IN_SMALL_DEMO)
    assert swept > 500


#: Kinds of object the small demo county (one household a village) does not hold yet; the
#: sweep of their routes waits for the demo to grow them (remove a name when it does).
NOT_IN_SMALL_DEMO: set[str] = {
    # emergency cases and funds (#11): until their demo.py puts some in 城关街道
    "emergency.EmergencyCase", "emergency.EventPhoto", "emergency.FirstHelp",
    "funds.Fund", "funds.LedgerEntry",
    # social forces (#12): until their demo.py lands and puts some in 城关街道
    "points.PointAccount", "socialwork.SocialCase", "xingfu.Order",
    "contracts.ContractedInvestigation", "contracts.Settlement",
    # the archive (#13): packages are built for the county's most recently closed cases
    "archive.ArchivePackage",
    # the dashboard's snapshot refreshes (#13): none until someone presses 立即刷新
    "monitoring.RefreshRun",
}


@pytest.mark.slow
@pytest.mark.django_db
def test_outside_users_read_no_family_not_assigned_to_them_on_any_route(small_demo):
    from jiuzhu.portal.menu import entries_for

    objects = first_objects()
    routes = every_route()
    problems: list[str] = []
    requested = 0
    for name, user in outside_users().items():
        client = Client()
        client.force_login(user)
        secrets = secrets_hidden_from(user)
        pattern = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len,
                                                                  reverse=True))) if secrets else None
        shown = [e.url() for e in entries_for(user) if not e.href and e.url()]
        for url in shown:
            status = client.get(url, follow=True).status_code  # 我的积分 → their account
            if status != 200:
                problems.append(f"{name}: menu entry {url} → {status}")
        for route in routes:
            url = url_of(route, objects)
            if url is None:
                continue
            response = client.get(url)
            requested += 1
            status = response.status_code
            if status >= 500:
                problems.append(f"{name}: GET {url} → {status}")
                continue
            register = any(re.match(p, route) for p in REGISTER)
            # a surveyor's 我的调查 and phone investigation page (the case's own scope decides)
            phone_investigation = user.role == Role.SURVEYOR and "investigat" in route
            if register and not phone_investigation and status not in REFUSED:
                problems.append(f"{name}: GET {url} → {status} (a register page must be refused)")
            if status == 302 and "/accounts/login" in response.get("Location", ""):
                problems.append(f"{name}: GET {url} → sent to sign in while signed in")
            if pattern is not None and status == 200 and not response.get(
                    "Content-Type", "").startswith(("application/vnd", "application/pdf",
                                                    "image/")):
                found = pattern.search(response.content.decode(errors="replace"))
                if found:
                    problems.append(f"{name}: GET {url} shows {found.group(0)!r} of family "
                                    f"{secrets[found.group(0)]}, not assigned to them")
        client.logout()
    assert not problems, "outside users:\n" + "\n".join(problems)
    assert requested > 1000
