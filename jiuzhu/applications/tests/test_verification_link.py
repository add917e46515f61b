"""Verification follows the case (核对随案): acceptance asks for the verification with the
application's signed authorisation, the county officer sees it, and the completed report
links itself to the case."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from jiuzhu.applications.services import application_act, application_create
from jiuzhu.applications.verification_link import request_on_accept
from jiuzhu.audit.models import AuditEvent
from jiuzhu.verification.models import VerificationRequest
from jiuzhu.verification.services import verification_run

from .conftest import MATERIALS, PDF

pytestmark = pytest.mark.django_db

SIGNED = PDF + b"% signed by every member\n"


def _accepted(staff, household, item="MZ01", capture=None):
    files = [(m, f"{m}.pdf", SIGNED if m == "家庭经济状况核对授权书" else PDF) for m in MATERIALS]
    app = application_create(actor=staff["window"], household=household, item_code=item,
                             channel="window", files=files)
    return application_act(actor=staff["window"], application_id=app.pk, action="accept", data={})


def test_acceptance_creates_the_request_with_the_signed_authorisation(
        staff, poor_household, client, password, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        app = _accepted(staff, poor_household)
    request = VerificationRequest.objects.get(case_number=app.number)
    assert request.household == poor_household
    assert request.requested_by == staff["window"]
    assert request.status == "pending" and request.queued_at is not None
    assert request.authorisation_sha256 == hashlib.sha256(SIGNED).hexdigest()  # no re-upload
    assert request.authorisation.read() == SIGNED
    assert request.case_url == reverse("applications:detail", args=[app.pk])
    assert len(request.sources) == 7
    assert len(queued) >= 1  # the first run is queued on commit
    assert AuditEvent.objects.filter(action="create", object_id=str(request.pk),
                                     detail__application=app.number).exists()

    client.login(username=staff["verifier"].username, password=password)
    page = client.get(reverse("verification:list")).content.decode()
    assert app.number in page and f'href="{request.case_url}"' in page  # verifier1's queue
    detail = client.get(reverse("verification:detail", args=[request.pk])).content.decode()
    assert 'data-testid="case-link"' in detail
    case_page = client.get(request.case_url).content.decode()
    assert 'data-testid="case-verification"' in case_page and "正在向各部门查询" in case_page


def test_the_completed_report_links_itself_to_the_case(staff, poor_household, client, password):
    app = _accepted(staff, poor_household)
    request = VerificationRequest.objects.get(case_number=app.number)
    assert verification_run(request=request).status == "complete"
    app.refresh_from_db()
    assert app.verification_recorded and app.verification["request_id"] == request.pk
    step = app.steps.get(action="record_verification")
    assert step.actor is None and step.actor_name == "系统"
    # the gate before the opinion sees it
    from jiuzhu.applications.workflow import verification_problem

    assert verification_problem(app) == ""
    client.login(username=staff["reviewer"].username, password=password)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "已录入本申请" in page and 'data-testid="case-verification-summary"' in page
    assert "已核对" in page


def test_a_case_already_verified_by_hand_is_left_as_it_is(staff, poor_household):
    from .conftest import completed_verification

    app = _accepted(staff, poor_household)
    other = completed_verification(poor_household, staff["verifier"])
    application_act(actor=staff["verifier"], application_id=app.pk,
                    action="record_verification", data={"request_id": other})
    request = VerificationRequest.objects.get(case_number=app.number)
    verification_run(request=request)
    app.refresh_from_db()
    assert app.verification["request_id"] == other
    assert app.steps.filter(action="record_verification").count() == 1


def test_items_without_verification_and_cases_without_a_scan_make_no_request(
        staff, poor_household):
    from django.utils import timezone

    from jiuzhu.catalogue.selectors import item_in_force

    materials = item_in_force("MZ04", timezone.localdate()).materials or []
    app = application_create(actor=staff["window"], household=poor_household, item_code="MZ04",
                             channel="window", files=[(m, f"{m}.pdf", PDF) for m in materials])
    application_act(actor=staff["window"], application_id=app.pk, action="accept", data={})
    assert not VerificationRequest.objects.filter(case_number=app.number).exists()

    dibao = application_create(actor=staff["window"], household=poor_household,
                               item_code="MZ01", channel="window",
                               files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    dibao.attachments.filter(material="家庭经济状况核对授权书").delete()
    assert request_on_accept(dibao, staff["window"]) is None
