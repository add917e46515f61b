"""Buttons offered by the table's conditions (``requires``), not only by state and role:
the home-investigation survey is not offered before anyone assigned the investigation
(the case page shows the action disabled with the reason, the phone page says why), and it
is offered once assigned; an opinion without a verification result is shown disabled too."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jiuzhu.applications import services
from jiuzhu.applications.models import Application
from jiuzhu.applications.workflow import WORKFLOW

from .conftest import MATERIALS, PDF

pytestmark = pytest.mark.django_db


def _accepted(staff, household) -> Application:
    case = services.application_create(
        actor=staff["window"], household=household, item_code="MZ01", channel="window",
        files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    return services.application_act(actor=staff["window"], application_id=case.pk,
                                    action="accept", data={})


def _offered(page: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', page))


def _refused(page: str) -> set[str]:
    return set(re.findall(r'data-refused="([a-z_]+)"', page))


def test_the_survey_is_offered_only_once_the_investigation_is_assigned(client, staff,
                                                                      poor_household):
    case = _accepted(staff, poor_household)
    investigator = staff["investigator"]
    assert "record_investigation" not in {a.name for a in WORKFLOW.available(investigator, case)}
    [offer] = [o for o in WORKFLOW.offers(investigator, case) if o.name == "record_investigation"]
    assert not offer.allowed and "尚未指派" in offer.reason

    client.force_login(investigator)
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    survey = reverse("applications:investigate", args=[case.pk])
    assert "record_investigation" in _refused(page) and "record_investigation" not in _offered(page)
    assert f'href="{survey}"' not in page and "尚未指派" in page
    phone = client.get(survey).content.decode()
    assert 'data-testid="not-possible"' in phone and "尚未指派" in phone
    assert 'id="investigation-form"' not in phone

    case = services.application_act(actor=staff["reviewer"], application_id=case.pk,
                                    action="assign_investigation",
                                    data={"investigators": ["周明", "李强"]})
    assert "record_investigation" in {a.name for a in WORKFLOW.available(investigator, case)}
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert "record_investigation" in _offered(page) and f'href="{survey}"' in page
    assert 'id="investigation-form"' in client.get(survey).content.decode()


def test_an_opinion_without_a_verification_is_shown_disabled_with_the_reason(client, staff,
                                                                              poor_household):
    case = _accepted(staff, poor_household)
    Application.objects.filter(pk=case.pk).update(state="opinion")
    client.force_login(staff["reviewer"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert "submit_opinion" in _refused(page) and "submit_opinion" not in _offered(page)
    assert "核对" in page.split('data-refused="submit_opinion"')[1][:600]
