"""签署核对授权 (issue #16 item 2): every adult member signs D04 electronically; the last
signature issues the signed D04 (images in the PDF, SM3 and SHA-256) and D01 with the
applicant's signature, and the verification request is made from it without a scan."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.applications.services import application_act, application_create
from jiuzhu.applications.signing import case_authorisation, case_authorisation_complete, case_sign
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.digests import digests
from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.selectors import document_get
from jiuzhu.documents.services import document_file
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict
from jiuzhu.verification.models import AuthorisationSignature, VerificationRequest
from jiuzhu.verification.services import verification_request_for_case

from .conftest import MATERIALS, PDF

pytestmark = pytest.mark.django_db


def drawn(seed: int = 0) -> str:
    """A signature as the pad sends it: a PNG data URI with a few strokes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 160), "white")
    pen = ImageDraw.Draw(image)
    pen.line([(20, 120), (90 + seed * 7, 40), (180, 130), (300, 50 + seed * 5)], fill="black",
             width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def family(staff):
    """Two adults and a child of 10."""
    return household_register(actor=staff["window"], data=household_dict(members=[
        member_dict(name="张秀英", occupation="unemployed", income={"wages": 1200}),
        member_dict(member_id="M2", name="李国强", relation="spouse", birth=date(1975, 3, 2),
                    occupation="none"),
        member_dict(member_id="M3", name="李小雨", relation="child", birth=date(2016, 6, 1),
                    occupation="none"),
    ]))


def _case(staff, household, *, scan: bool):
    files = [(m, f"{m}.pdf", PDF) for m in MATERIALS
             if scan or m != "家庭经济状况核对授权书"]
    return application_create(actor=staff["window"], household=household, item_code="MZ01",
                              channel="window", files=files)


def test_every_adult_signs_and_the_signed_d04_is_the_authorisation(staff, family):
    app = _case(staff, family, scan=True)
    app.attachments.filter(material="家庭经济状况核对授权书").delete()  # seen, never scanned
    app.originals.create(material="家庭经济状况核对授权书", seen_by_name="w1",
                         seen_at=timezone.now())
    # accepted without a scan of the paper: no request yet
    application_act(actor=staff["window"], application_id=app.pk, action="accept", data={})
    assert not VerificationRequest.objects.filter(case_number=app.number).exists()

    case_sign(actor=staff["window"], application=app, member_id="M1", image=drawn(1),
              latitude="39.9", longitude="116.4", device="Mozilla/5.0 (pad)")
    assert not case_authorisation(app).complete
    # the child does not sign; the spouse signs on an investigator's phone
    with pytest.raises(ServiceError) as minor:
        case_sign(actor=staff["window"], application=app, member_id="M3", image=drawn(3))
    assert minor.value.errors[0]["path"] == "member_id" and "李小雨" in minor.value.message
    case_sign(actor=staff["investigator"], application=app, member_id="M2", image=drawn(2),
              channel="phone", device="Mozilla/5.0 (iPhone)")

    authorisation = case_authorisation(app)
    assert authorisation.complete and authorisation.document is not None
    signature = AuthorisationSignature.objects.get(authorisation=authorisation, member_id="M1")
    assert signature.consent_version == authorisation.consent_version
    assert str(signature.latitude) == "39.900000" and signature.witnessed_by == staff["window"]
    assert AuditEvent.objects.filter(action="create", object_id=str(signature.pk)).exists()

    d04 = document_get(owner=app, code="D04")
    assert d04.pk == authorisation.document.pk and d04.version == 2  # accept's was v1
    pdf = document_file(d04, "pdf")
    data = pdf.open("rb").read()
    d04.refresh_from_db()
    assert (d04.pdf_sm3, d04.pdf_sha256) == digests(data)
    listing = subprocess.run(["pdfimages", "-list", pdf.path], capture_output=True, text=True,
                             check=True).stdout
    images = [line for line in listing.splitlines() if re.match(r"\s*\d+\s+\d+\s+image", line)]
    assert len(images) >= 3  # two in the members' table, the applicant's on the line
    # D01 again, with the applicant's signature on its line
    d01 = document_get(owner=app, code="D01")
    assert d01.version == 2 and d01.context["authorisation"]["applicant_signature"]

    # the verification request was made from the signed D04, no scan needed
    request = VerificationRequest.objects.get(case_number=app.number)
    assert request.authorisation_type == "application/pdf"
    assert request.authorisation.read() == data


def test_a_missing_adult_blocks_completion_naming_them(staff, family):
    app = _case(staff, family, scan=False)
    case_sign(actor=staff["window"], application=app, member_id="M1", image=drawn())
    with pytest.raises(ServiceError) as error:
        case_authorisation_complete(actor=staff["window"], application=app)
    assert error.value.errors[0]["path"] == "signatures"
    assert "李国强" in error.value.message and "张秀英" not in error.value.message
    assert not case_authorisation(app).complete
    with pytest.raises(ServiceError) as twice:
        case_sign(actor=staff["window"], application=app, member_id="M1", image=drawn())
    assert twice.value.errors[0]["path"] == "member_id"
    with pytest.raises(ServiceError) as empty:
        case_sign(actor=staff["window"], application=app, member_id="M2", image="")
    assert empty.value.errors[0]["path"] == "signature"
    with pytest.raises(ServiceError) as forbidden:
        case_sign(actor=staff["approver"], application=app, member_id="M2", image=drawn())
    assert forbidden.value.status == 403


def test_no_request_without_a_signed_or_scanned_authorisation(staff, family):
    app = _case(staff, family, scan=False)
    with pytest.raises(ServiceError) as error:
        verification_request_for_case(actor=staff["window"], household=family,
                                      authorisation=None, case_number=app.number)
    assert error.value.errors[0]["path"] == "authorisation"
    assert "电子签署" in error.value.message and "扫描件" in error.value.message
    assert not VerificationRequest.objects.exists()


def test_the_signing_page(client, password, staff, family):
    app = _case(staff, family, scan=True)
    client.login(username=staff["window"].username, password=password)
    case_page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="case-signing"' in case_page and 'data-testid="open-signing"' in case_page
    url = reverse("applications:sign", args=[app.pk])
    page = client.get(url).content.decode()
    assert page.count('data-signature-pad') == 2 and "未满 18 周岁" in page
    refused = client.post(reverse("applications:sign_complete", args=[app.pk]))
    assert refused.status_code == 422 and "张秀英、李国强" in refused.content.decode()
    bad = client.post(reverse("applications:sign_member", args=[app.pk]),
                      {"member_id": "M1", "signature": "data:image/png;base64,AAAA"})
    assert bad.status_code == 422 and 'data-testid="member-error"' in bad.content.decode()
    for member, seed in (("M1", 1), ("M2", 2)):
        done = client.post(reverse("applications:sign_member", args=[app.pk]),
                           {"member_id": member, "signature": drawn(seed), "lat": "", "lng": ""},
                           HTTP_USER_AGENT="pytest")
        assert done.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="sign-complete"' in page and 'data-testid="signed-d04"' in page
    # the approver sees the case but may not sign: no button, and the page is refused
    client.logout()
    client.login(username=staff["approver"].username, password=password)
    case_page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="open-signing"' not in case_page
    assert client.get(url).status_code == 403


def test_the_api_signs_like_the_page(client, staff, family):
    from jiuzhu.accounts.services import token_create

    app = _case(staff, family, scan=False)
    token = token_create(user=staff["investigator"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/applications/{app.pk}/authorisation"
    state = client.get(url, **auth).json()
    assert state["complete"] is False
    assert [(m["name"], m["adult"]) for m in state["members"]] == [
        ("张秀英", True), ("李国强", True), ("李小雨", False)]
    minor = client.post(f"{url}/signatures", {"member_id": "M3", "signature": drawn()},
                        content_type="application/json", **auth)
    assert minor.status_code == 422 and minor.json()["errors"][0]["path"] == "member_id"
    for member in ("M1", "M2"):
        done = client.post(f"{url}/signatures", {"member_id": member, "signature": drawn(),
                                                 "channel": "phone", "latitude": "30.1",
                                                 "longitude": "120.2"},
                           content_type="application/json", HTTP_USER_AGENT="pad/1", **auth)
        assert done.status_code == 201, done.content
    state = done.json()
    assert state["complete"] is True and state["document_id"]
    assert {m["channel"] for m in state["members"] if m["adult"]} == {"phone"}


def test_the_api_answers_not_found_outside_the_region_whatever_the_body(client, staff, family):
    from jiuzhu.accounts.services import token_create

    app = _case(staff, family, scan=False)
    url = f"/api/v1/applications/{app.pk}/authorisation/signatures"
    other = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff['other_window'])}"}
    assert client.post(url, {}, content_type="application/json", **other).status_code == 404
    approver = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff['approver'])}"}
    assert client.post(url, {}, content_type="application/json", **approver).status_code == 403
    window = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff['window'])}"}
    empty = client.post(url, {}, content_type="application/json", **window)
    assert empty.status_code == 422 and empty.json()["errors"][0]["path"] == "member_id"
