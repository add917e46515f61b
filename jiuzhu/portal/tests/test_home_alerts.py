"""The home page counts red and yellow cases by today's colour (computed, no daily job)."""

from datetime import date

from django.urls import reverse

from jiuzhu.applications.services import application_create
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MATERIALS = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]


def test_home_counts_cases_by_todays_colour(client, window_worker, other_window_worker, tree,
                                           clock):
    household = household_register(actor=window_worker, data=household_dict())
    application_create(actor=window_worker, household=household, item_code="MZ01",
                       channel="window", files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    supervisor = UserFactory(username="sup1", role="supervisor", region=tree["county"])

    def counts(user):
        client.force_login(user)
        return client.get(reverse("portal:home")).context["alerts"]["applications"]

    assert counts(window_worker) == {"red": 0, "yellow": 0}
    clock["today"] = date(2026, 3, 5)  # acceptance due today: yellow
    assert counts(window_worker) == {"red": 0, "yellow": 1}
    clock["today"] = date(2026, 3, 6)  # due yesterday: red at once
    assert counts(window_worker) == {"red": 1, "yellow": 0}
    page = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="applications-red"' in page
    assert reverse("applications:overdue") not in page  # a window worker may not open it
    assert counts(supervisor) == {"red": 1, "yellow": 0}
    assert reverse("applications:overdue") in client.get(reverse("portal:home")).content.decode()
    assert counts(other_window_worker) == {"red": 0, "yellow": 0}
