"""The lead and visit pages offer what the tables allow this user now: the visit form and
the link to it only to whoever may record the visit (its worker, or a window worker), the
convert and close forms only while the lead's state allows them."""

from __future__ import annotations

import pytest

from jiuzhu.leads.models import Lead, VisitTask
from jiuzhu.leads.services import lead_convert, lead_record
from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db


def test_visit_and_lead_forms_follow_the_tables(client, window_worker, grid_worker, lead_data,
                                                tree, media):
    lead = lead_record(actor=window_worker, data=lead_data)
    client.force_login(window_worker)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'data-testid="convert-form"' in page
    lead_convert(actor=window_worker, lead=Lead.objects.get(pk=lead.pk), health="healthy",
                 occupation="farming")
    task = VisitTask.objects.get()
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'data-testid="convert-form"' not in page and f'href="/leads/visits/{task.pk}/"' in page

    client.force_login(grid_worker)  # the assignee records the visit
    assert 'data-testid="visit-form"' in client.get(f"/leads/visits/{task.pk}/").content.decode()

    reviewer = UserFactory(username="rv1", role="township_reviewer", region=tree["town1"])
    client.force_login(reviewer)  # sees the lead, may not record its visit
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert f'href="/leads/visits/{task.pk}/"' not in page
    visit = client.get(f"/leads/visits/{task.pk}/")
    assert visit.status_code == 200 and 'data-testid="visit-form"' not in visit.content.decode()
