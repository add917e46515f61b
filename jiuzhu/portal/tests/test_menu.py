"""The menu shows exactly the pages a user may open: every entry shown opens (no 403),
and every page hidden from a role refuses that role — the same predicate for both."""

from __future__ import annotations

import pytest

from jiuzhu.accounts.choices import OUTSIDE_ROLES, OrganisationKind, Role
from jiuzhu.accounts.models import Organisation
from jiuzhu.portal.menu import MENU, entries_for
from jiuzhu.testing import UserFactory

# Where each role works: county roles at the county, the others at township 1 (a grid worker
# at its grid).
COUNTY_ROLES = {Role.COUNTY_APPROVER, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.DEPARTMENT_OFFICER,
                Role.VERIFICATION_OFFICER}


def staff_of_every_role(tree):
    """A user of every role (the outside ones of an organisation of township 1)."""
    users = {}
    organisation = Organisation.objects.create(name="菜单测试社会组织",
                                               kind=OrganisationKind.SOCIAL_ORG,
                                               region=tree["town1"])
    for role in Role.values:
        region = tree["county"] if role in COUNTY_ROLES else (
            tree["grid1"] if role == Role.GRID_WORKER else tree["town1"])
        users[role] = UserFactory(username=f"menu_{role}", role=role, region=region,
                                  department="JY" if role == Role.DEPARTMENT_OFFICER else "",
                                  organisation=organisation if role in OUTSIDE_ROLES else None)
    users["superuser"] = UserFactory(username="menu_root", role=Role.ADMINISTRATOR,
                                     region=tree["province"], is_superuser=True)
    return users


@pytest.mark.django_db
def test_every_menu_entry_opens_for_those_who_see_it_and_refuses_the_others(client, tree):
    users = staff_of_every_role(tree)
    for name, user in users.items():
        client.force_login(user)
        shown = {entry.url_name for entry in entries_for(user)}
        page = client.get("/").content.decode()
        for entry in MENU:
            url = entry.url()
            if entry.href:  # the API documentation: shown to every signed-in user
                assert url in page
                continue
            if entry.url_name in shown:
                assert f'href="{url}"' in page, (name, url)
                response = client.get(url)
                assert response.status_code == 200, (name, url, response.status_code)
            else:
                assert f'href="{url}"' not in page, (name, url)
                response = client.get(url)
                assert response.status_code in (403, 302), (name, url, response.status_code)
        client.logout()


def test_a_department_officer_works_from_the_inbox(tree, db):
    officer = staff_of_every_role(tree)[Role.DEPARTMENT_OFFICER]
    names = [entry.url_name for entry in entries_for(officer)]
    assert names[0] == "intake:inbox"
    assert "applications:list" not in names and "intake:queue" not in names
