"""Every read of personal data is audited: pages and API answers of applications, intake
requests and leads, and the files downloaded from them; another township's object is a
denial, not a read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuzhu.applications import services as applications
from jiuzhu.audit.models import AuditEvent
from jiuzhu.households.services import household_register
from jiuzhu.intake import services as intake
from jiuzhu.leads.services import lead_record
from jiuzhu.testing import ApiClient, UserFactory, household_dict, member_dict

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MATERIALS = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def users(tree, window_worker, other_window_worker):
    return {"w1": window_worker, "w2": other_window_worker,
            "grid": UserFactory(username="g1", role="grid_worker", region=tree["grid1"])}


@pytest.fixture
def api(client, users):
    return ApiClient(client, users, "")


@pytest.fixture
def family(users):
    return household_register(actor=users["w1"], data=household_dict(members=[
        member_dict(occupation="unemployed", health="serious_illness", income={"wages": 1200}),
        member_dict(member_id="M2", name="王五", relation="spouse", health="severe_disability",
                    occupation="none"),
    ]))


def reads(action: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_type=obj._meta.label_lower,
                                          object_id=str(obj.pk)).order_by("id"))


def denials(obj) -> list[AuditEvent]:
    return reads("denied", obj)


def test_application_page_api_and_attachment_are_audited(client, api, users, family):
    application = applications.application_create(
        actor=users["w1"], household=family, item_code="MZ01", channel="window",
        files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    client.force_login(users["w1"])
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200
    assert len(reads("view", application)) == 1
    assert api.get("w1", f"/api/v1/applications/{application.pk}").status_code == 200
    assert [e.detail for e in reads("view", application)][-1] == {"via": "api"}
    attachment = application.attachments.first()
    url = reverse("applications:attachment", args=[application.pk, attachment.pk])
    assert client.get(url).status_code == 200
    [download] = reads("download", application)
    assert download.actor == users["w1"] and download.detail["attachment"] == attachment.pk
    # Another township: not found, audited as a denial and not as a read.
    client.force_login(users["w2"])
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
    assert api.get("w2", f"/api/v1/applications/{application.pk}").status_code == 404
    assert [e.actor for e in denials(application)] == [users["w2"], users["w2"]]
    assert all(e.actor == users["w1"] for e in reads("view", application))


def test_intake_request_page_receipt_and_api_are_audited(client, api, users, family):
    request = intake.request_create(actor=users["w1"], household=family, items=["CL01"],
                                    channel="window", materials={})
    client.force_login(users["w1"])
    assert client.get(reverse("intake:detail", args=[request.pk])).status_code == 200
    assert client.get(reverse("intake:receipt", args=[request.pk])).status_code == 200
    assert [e.detail for e in reads("view", request)] == [{}, {"page": "receipt"}]
    assert api.get("w1", f"/api/v1/intake/requests/{request.pk}").status_code == 200
    item = request.items.get()
    assert api.get("w1", f"/api/v1/intake/items/{item.pk}").status_code == 200
    assert [e.detail for e in reads("view", request)][-2:] == [
        {"via": "api"}, {"via": "api", "item": "CL01"}]
    client.force_login(users["w2"])
    assert client.get(reverse("intake:detail", args=[request.pk])).status_code == 404
    assert len(denials(request)) == 1


def test_lead_page_and_api_are_audited(client, api, users, tree):
    from datetime import date

    from jiuzhu.households.idnumber import id_number_make

    lead = lead_record(actor=users["w1"], data={
        "source": "hotline", "reporter_name": "邻居李女士", "reporter_phone": "13800000001",
        "person_name": "陈老汉", "id_number": id_number_make(area="990102", birth=date(1958, 4, 12),
                                                          sequence=77),
        "phone": "13900000002", "address": "第1村3组12号", "region_code": tree["grid1"].code,
        "description": "独居老人", "urgency": "urgent"})
    client.force_login(users["w1"])
    assert client.get(reverse("leads:detail", args=[lead.pk])).status_code == 200
    assert api.get("w1", f"/api/v1/leads/{lead.pk}").status_code == 200
    assert [e.detail for e in reads("view", lead)] == [{}, {"via": "api"}]
    assert api.get("w2", f"/api/v1/leads/{lead.pk}").status_code == 404
    assert [e.actor for e in denials(lead)] == [users["w2"]]
