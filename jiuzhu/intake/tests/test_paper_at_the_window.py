"""Paper at the window (#10 items 1–2): originals seen count, a scan where the county wants
one, what is missing told at once on the receipt with its deadline, and the receipt's
办结期限 and current step, 暂定 beyond the known calendar."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiuzhu.applications.materials import material_setting_set
from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.models import Document
from jiuzhu.intake import services
from jiuzhu.intake.deadlines import request_deadlines
from jiuzhu.intake.models import Request
from jiuzhu.intake.receipt import receipt_content
from jiuzhu.testing import UserFactory

from .conftest import MZ01_MATERIALS, PDF

pytestmark = pytest.mark.django_db
AUTHORISATION = "家庭经济状况核对授权书"
ON = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def scan_authorisation(tree):
    admin = UserFactory(username="sys1", role="administrator", region=tree["county"])
    material_setting_set(actor=admin, county=tree["county"], material=AUTHORISATION,
                         scan_required=True)


def take(staff, family, seen, *, items=("MZ01",), extra=None, scans=(AUTHORISATION,)):
    return services.request_create(
        actor=staff["window"], household=family, items=list(items), channel="window", on=ON,
        materials={"MZ01": list(seen), **(extra or {})}, tell_missing=True,
        files=[(m, f"{m}.pdf", PDF) for m in scans])


def test_originals_seen_and_the_authorisation_scanned_are_complete(staff, family):
    seen = [m for m in MZ01_MATERIALS if m != AUTHORISATION]
    request = take(staff, family, seen)
    item = request.items.get()
    assert item.application.state == "submitted" and item.missing == []
    assert [o["material"] for o in item.originals] == seen
    assert item.originals[0]["by"] == staff["window"].full_name
    assert item.materials == MZ01_MATERIALS  # seen and scanned together, in the list's order
    row = request_deadlines(request)[0]
    assert row.missing == [] and "户口簿（原件已核验）" in row.received
    assert f"{AUTHORISATION}（扫描件）" in row.received


def test_a_missing_material_is_told_at_once_with_its_deadline(staff, family):
    seen = ["户口簿", "身份证", "财产申报表"]
    request = take(staff, family, seen, items=("MZ01", "CL02"),
                   extra={"CL02": ["残疾证", "身份证"]})
    mz01, cl02 = request_deadlines(request)
    app = mz01.item.application
    assert app.state == "awaiting_supplement" and app.missing_materials == ["收入证明"]
    assert Document.objects.for_owner(app).filter(code="D02").exists()  # 一次性告知书
    assert mz01.missing == ["收入证明"] and mz01.missing_due == app.due_date
    assert mz01.final_due is None and "30 个工作日" in mz01.final_text
    assert cl02.missing == [] and cl02.final_label == "办结期限"
    content = receipt_content(request)
    text = " ".join(b.text for b in content.blocks)
    assert "一次性告知" in text and "收入证明" in text and app.due_date.isoformat() in text


def test_provisional_deadline_of_a_transferred_item(staff, family):
    request = services.request_create(actor=staff["window"], household=family, items=["CL02"],
                                      channel="window", on=date(2026, 12, 5),
                                      materials={"CL02": ["残疾证", "身份证"]}, tell_missing=True)
    row = request_deadlines(request)[0]
    assert row.final_due == date(2027, 1, 1) and row.final_provisional
    assert row.final_display == "2027-01-01（暂定）"


def test_only_seen_when_a_scan_is_required_is_refused_and_nothing_is_kept(staff, family):
    with pytest.raises(ServiceError) as refused:
        take(staff, family, MZ01_MATERIALS, scans=())
    assert refused.value.errors[0]["path"] == "materials.MZ01"
    assert AUTHORISATION in refused.value.errors[0]["message"]
    assert not Request.objects.exists()


def test_the_form_ticks_nothing_and_the_receipt_shows_the_deadlines(client, staff, family,
                                                                     password):
    assert client.login(username=staff["window"].username, password=password)
    url = reverse("intake:create") + f"?household={family.pk}&items=MZ01"
    page = client.get(url).content.decode()
    assert 'name="m_MZ01"' in page and "原件已核验" in page and "须扫描" in page
    form = page.split('data-testid="intake-form"')[1]
    assert 'name="m_MZ01"' in form and "checked>" not in form.split('data-item="MZ01"')[1]
    data = {"household": family.pk, "items": ["MZ01"], "channel": "window",
            "m_MZ01": ["户口簿", "身份证", "财产申报表"],
            f"f_MZ01_{AUTHORISATION}": SimpleUploadedFile("a.pdf", PDF)}
    response = client.post(reverse("intake:create"), data)
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    assert "办结期限" in receipt and 'data-testid="missing-notice"' in receipt
    assert "收入证明" in receipt.split('data-testid="missing-notice"')[1]
