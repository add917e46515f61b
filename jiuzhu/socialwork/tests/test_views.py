"""The pages' forms: opening from the candidates and alongside an application, refusals
shown again (422), the plan, the visit form and closing with outcomes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuzhu.socialwork.models import SocialCase
from jiuzhu.testing import PASSWORD

from .conftest import make_household, standing
from .test_services import _application

pytestmark = pytest.mark.django_db


def test_staff_open_cases_from_their_pages(client, tree, staff, org, worker):
    family = make_household()
    standing(family, circle=3, index=700)
    assert client.login(username="window1", password=PASSWORD)
    page = client.get(reverse("socialwork:candidates")).content.decode()
    assert f'data-household="{family.pk}"' in page
    opened = client.post(reverse("socialwork:open"), {"household": family.pk, "trigger": "circle",
                                                       "social_worker": ""})
    case = SocialCase.objects.get()
    assert opened.status_code == 302 and opened.url == reverse("socialwork:detail", args=[case.pk])
    assert (case.phase, case.trigger, case.social_worker) == ("before", "circle", worker)
    assert f'data-household="{family.pk}"' not in client.get(
        reverse("socialwork:candidates")).content.decode()
    refused = client.post(reverse("socialwork:open"), {"trigger": "application"})
    assert refused.status_code == 422 and 'data-error="application_id"' in refused.content.decode()
    application = _application(make_household(), tree, "accepted")
    client.post(reverse("socialwork:open"), {"trigger": "application",
                                             "application": application.pk})
    assert SocialCase.objects.filter(application=application, phase="during").exists()


def test_the_case_page_plans_visits_and_closes(client, tree, staff, org, worker, clock, media):
    client.login(username="window1", password=PASSWORD)
    client.post(reverse("socialwork:open"), {"household": make_household().pk,
                                             "trigger": "hardship"})
    case = SocialCase.objects.get()
    client.post(reverse("socialwork:act", args=[case.pk, "plan"]), {
        "kind": "employment", "description": "待业", "goal_text": "参加培训",
        "goal_date": "2026-06-30"})
    goal = case.needs.get().goals.get()
    assert goal.target_date.isoformat() == "2026-06-30"
    client.logout()
    client.login(username=worker.username, password=PASSWORD)
    bad = client.post(reverse("socialwork:act", args=[case.pk, "record_visit"]),
                      {"kind": "home", "notes": "", "done_on": "2026-03-02"})
    assert bad.status_code == 422
    good = client.post(reverse("socialwork:act", args=[case.pk, "record_visit"]),
                       {"kind": "home", "notes": "入户", "done_on": "2026-03-02",
                        "next_due_on": "2026-04-01"})
    assert good.status_code == 302 and good.url == reverse("socialwork:mine")
    client.post(reverse("socialwork:act", args=[case.pk, "close"]), {"note": "结案"})
    case.refresh_from_db()
    assert case.state == "open"
    client.post(reverse("socialwork:act", args=[case.pk, "close"]),
                {"note": "结案", f"outcome_{goal.pk}": "achieved"})
    case.refresh_from_db()
    assert case.state == "closed"
    detail = client.get(reverse("socialwork:detail", args=[case.pk])).content.decode()
    assert "已达成" in detail and 'data-testid="close-form"' not in detail
