from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.assessments.models import BatchRun, Standing
from jiuzhu.assessments.services import batch_create, batch_execute
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict


@pytest.fixture
def household(window_worker):
    return household_register(actor=window_worker, data=household_dict(
        members=[member_dict(occupation="unemployed", health="serious_illness",
                             income={"wages": 1200})]))


def test_panel_assesses_and_explains_in_chinese(client, window_worker, household):
    client.force_login(window_worker)
    url = reverse("assessments:panel", args=[household.pk])
    assert "尚未核算" in client.get(url).content.decode()
    body = client.post(url, {"on": "2026-03-01"}).content.decode()
    assert "为什么是这个金额" in body
    assert "符合低保条件" in body
    assert "示范县民政局 演示参数" in body  # parameters with their legal reference
    assert household.assessments.count() == 1


def test_what_if_recomputes_without_saving(client, window_worker, household):
    client.force_login(window_worker)
    url = reverse("assessments:what_if", args=[household.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {"on": "2026-03-01", "medical": "1200", "education": "0", "insurance_premiums": "0",
            "other_rigid": "0", "financial_assets": "0", "debts": "0",
            "m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "1", "m-MIN_NUM_FORMS": "0",
            "m-MAX_NUM_FORMS": "1000", "m-0-member_id": "M1", "m-0-health": "serious_illness",
            "m-0-occupation": "unemployed", "m-0-wages": "1200", "m-0-business": "0",
            "m-0-property": "0", "m-0-transfer": "0", "m-0-pension": "0"}
    poor = client.post(url, data).context["result"]
    rich = client.post(url, {**data, "m-0-wages": "90000"}).context["result"]
    assert poor["eligible"] and not rich["eligible"]
    assert rich["benefit_monthly"] == "0.00"
    assert household.assessments.count() == 0
    bad = client.post(url, {**data, "medical": "-1"})
    assert "medical" in bad.content.decode()


def test_other_township_cannot_see_the_panel(client, other_window_worker, household):
    client.force_login(other_window_worker)
    assert client.get(reverse("assessments:panel", args=[household.pk])).status_code == 404
    assert client.get(reverse("assessments:what_if", args=[household.pk])).status_code == 404


def test_ranking_page_and_excel(client, window_worker, household, tree,
                                django_assert_max_num_queries):
    for _n in range(5):
        household_register(actor=window_worker, data=household_dict())
    batch_execute(run=batch_create(actor=SYSTEM, region=tree["county"], on=date(2026, 3, 1)))
    client.force_login(window_worker)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("assessments:ranking"))
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 6
    export = client.get(reverse("assessments:ranking"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "排名" and len(rows) == 7
    indexes = [r[5] for r in rows[1:]]
    assert indexes == sorted(indexes, reverse=True)


def test_batch_page_starts_a_run_and_shows_progress(client, tree, household, django_capture_on_commit_callbacks):
    from jiuzhu.testing import UserFactory

    approver = UserFactory(role="county_approver", region=tree["county"])
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:batches"),
                               {"region": tree["county"].pk, "on": "2026-03-01"})
    run = BatchRun.objects.get()
    assert response.status_code == 302
    assert run.status == "done" and run.processed == 1
    assert Standing.objects.filter(pk=household.pk).exists()
    partial = client.get(reverse("assessments:batch", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "100%" in partial.content.decode()


def test_window_worker_cannot_start_a_batch(client, window_worker, tree):
    client.force_login(window_worker)
    response = client.post(reverse("assessments:batches"),
                           {"region": tree["town1"].pk, "on": "2026-03-01"})
    assert response.status_code == 403
