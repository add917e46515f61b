"""Paper originals count (原件已核验): acceptance counts a seen original like a scan, except
for a material the county wants scanned; the county's rule is an administrator's audited
setting; the case page and the deadlines a resident reads (办结期限, 暂定)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.applications.deadlines import shown
from jiuzhu.applications.materials import material_setting_set, scans_required
from jiuzhu.applications.models import MaterialSetting
from jiuzhu.applications.services import application_act, application_create
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.testing import UserFactory

from .conftest import MATERIALS, PDF

pytestmark = pytest.mark.django_db
AUTHORISATION = "家庭经济状况核对授权书"
SEEN = [m for m in MATERIALS if m != AUTHORISATION]


@pytest.fixture
def admin(tree):
    return UserFactory(username="sys1", role="administrator", region=tree["county"])


@pytest.fixture
def scan_authorisation(tree, admin):
    return material_setting_set(actor=admin, county=tree["county"], material=AUTHORISATION,
                                scan_required=True)


def create(staff, household, *, originals, scans=(), on=date(2026, 3, 2)):
    return application_create(actor=staff["window"], household=household, item_code="MZ01",
                              channel="window", today=on, originals=list(originals),
                              files=[(m, f"{m}.pdf", PDF) for m in scans])


def test_seen_originals_and_the_scanned_authorisation_are_accepted_without_a_supplement(
        staff, poor_household, scan_authorisation):
    app = create(staff, poor_household, originals=SEEN, scans=[AUTHORISATION])
    seen = app.originals.get(material="户口簿")
    assert seen.seen_by == staff["window"] and seen.seen_at is not None
    accepted = application_act(actor=staff["window"], application_id=app.pk, action="accept",
                               data={}, today=date(2026, 3, 3))
    assert accepted.state == "accepted" and not accepted.missing_materials


def test_a_material_the_county_wants_scanned_does_not_count_when_only_seen(
        staff, poor_household, scan_authorisation):
    app = create(staff, poor_household, originals=MATERIALS)
    with pytest.raises(ServiceError) as refused:
        application_act(actor=staff["window"], application_id=app.pk, action="accept", data={})
    assert refused.value.errors == [{"path": "materials", "message": f"缺少：{AUTHORISATION}"}]
    app.refresh_from_db()
    assert app.state == "submitted"


def test_without_a_county_rule_a_seen_original_is_enough(staff, poor_household):
    app = create(staff, poor_household, originals=MATERIALS)
    accepted = application_act(actor=staff["window"], application_id=app.pk, action="accept",
                               data={}, today=date(2026, 3, 3))
    assert accepted.state == "accepted"


def test_an_original_not_on_the_list_is_refused_naming_the_field(staff, poor_household):
    with pytest.raises(ServiceError) as refused:
        create(staff, poor_household, originals=["结婚证"])
    assert refused.value.errors[0]["path"] == "originals"


def test_the_setting_is_for_administrators_and_audited(tree, staff, admin):
    with pytest.raises(ServiceError) as refused:  # a county user, not an administrator
        material_setting_set(actor=staff["approver"], county=tree["county"], material="户口簿",
                             scan_required=True)
    assert refused.value.status == 403
    with pytest.raises(ServiceError) as refused:  # the county is outside a township's region
        material_setting_set(actor=staff["window"], county=tree["county"], material="户口簿",
                             scan_required=True)
    assert refused.value.status == 404
    with pytest.raises(ServiceError) as refused:
        material_setting_set(actor=admin, county=tree["county"], material="不存在的材料",
                             scan_required=True)
    assert refused.value.errors[0]["path"] == "material"
    assert not MaterialSetting.objects.exists()
    material_setting_set(actor=admin, county=tree["county"], material="户口簿", scan_required=True)
    assert scans_required("990102001") == {"户口簿"}
    material_setting_set(actor=admin, county=tree["county"], material="户口簿", scan_required=False)
    assert scans_required("990102001") == frozenset()
    events = AuditEvent.objects.filter(object_type="applications.materialsetting").order_by("id")
    assert [(e.detail["before"], e.detail["after"]) for e in events] == [
        ("原件核验即可", "须扫描"), ("须扫描", "原件核验即可")]


def test_the_settings_page(client, tree, staff, admin, password):
    url = reverse("applications:material_settings")
    assert client.login(username=admin.username, password=password)
    page = client.get(url).content.decode()
    assert AUTHORISATION in page and "原件核验即可" in page
    response = client.post(url, {"county": "990102", "material": AUTHORISATION, "scan_required": "1"})
    assert response.status_code == 302
    assert scans_required("990102") == {AUTHORISATION}
    assert client.login(username=staff["window"].username, password=password)
    assert client.get(url).status_code == 403


def test_deadlines_a_resident_reads(staff, poor_household):
    """Before acceptance 办结期限 is the latest it can be (the acceptance deadline + 30
    working days); a date in a year the calendar does not know is 暂定; once decided the
    page shows 办结日期, never 暂定."""
    app = create(staff, poor_household, originals=MATERIALS, on=date(2026, 12, 4))
    view = shown(app)
    assert view.step_label == "受理" and view.step_due == app.due_date == date(2026, 12, 9)
    assert not view.step_provisional
    assert view.final_due is not None and view.final_due.year == 2027 and view.final_provisional
    app = application_act(actor=staff["window"], application_id=app.pk, action="request_supplement",
                          data={"missing": ["收入证明"]}, today=date(2026, 12, 4))
    view = shown(app)
    assert view.final_due is None and "30 个工作日" in view.final_text
    assert view.step_label == "补正" and view.step_due == app.due_date
    app.state, app.decided_at = "approved", None
    view = shown(app)
    assert view.decided and not view.final_provisional and not view.step_provisional


def test_the_supplement_may_be_an_original_seen_then_the_case_is_accepted(
        staff, poor_household, scan_authorisation):
    app = create(staff, poor_household, originals=["户口簿", "身份证", "财产申报表"],
                 scans=[AUTHORISATION])
    app = application_act(actor=staff["window"], application_id=app.pk, action="request_supplement",
                          data={"missing": ["收入证明"]}, today=date(2026, 3, 2))
    with pytest.raises(ServiceError) as refused:  # only what was asked for
        application_act(actor=staff["window"], application_id=app.pk, action="submit_supplement",
                        data={"originals": ["结婚证"]}, today=date(2026, 3, 5))
    assert refused.value.errors[0]["path"] == "originals"
    app = application_act(actor=staff["window"], application_id=app.pk, action="submit_supplement",
                          data={"originals": ["收入证明"]}, today=date(2026, 3, 5))
    assert app.state == "submitted" and app.originals.filter(material="收入证明").exists()
    app = application_act(actor=staff["window"], application_id=app.pk, action="accept", data={},
                          today=date(2026, 3, 5))
    assert app.state == "accepted"


def test_the_supplement_form_takes_an_original_or_a_scan(staff, poor_household, scan_authorisation):
    from jiuzhu.applications.forms import SubmitSupplementForm

    app = create(staff, poor_household, originals=["户口簿"])
    app = application_act(actor=staff["window"], application_id=app.pk, action="request_supplement",
                          data={"missing": ["身份证", AUTHORISATION]}, today=date(2026, 3, 2))
    form = SubmitSupplementForm({"seen_1": "on"}, {}, application=app)
    assert "seen_0" in form.fields and "seen_1" not in form.fields  # the authorisation: a scan
    assert not form.is_valid() and set(form.errors) == {"material_0", "material_1"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = SubmitSupplementForm({"seen_0": "on"}, {"material_1": SimpleUploadedFile("a.pdf", PDF)},
                                application=app)
    assert form.is_valid(), form.errors
    data, files = form.to_service()
    assert data == {"originals": ["身份证"]} and [f[0] for f in files] == [AUTHORISATION]
