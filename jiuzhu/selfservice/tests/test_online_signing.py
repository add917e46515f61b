"""签署核对授权 online (issue #16 item 2): the adults sign the verification authorisation on
the phone in the review step; the signatures travel with the request and become the case's
when the window takes it (the signed D04 issued, 网上申请 as the channel)."""

from __future__ import annotations

import pytest

from jiuzhu.applications.signing import case_authorisation
from jiuzhu.applications.tests.test_signing import drawn
from jiuzhu.intake.models import Request
from jiuzhu.verification.models import Authorisation

from .conftest import fill_until_review

pytestmark = pytest.mark.django_db


def test_signed_on_the_phone_the_case_has_the_signatures(client, tree, person, window_worker):
    from jiuzhu.intake.services import request_take

    fill_until_review(client, person, tree, items=("MZ01",))
    page = client.get("/self/apply/review/").content.decode()
    assert page.count('data-testid="online-signer"') == 2 and "data-signature-pad" in page
    response = client.post("/self/apply/review/", {"sign_0": drawn(1), "sign_1": drawn(2),
                                                    "lat": "39.9", "lng": "116.4"},
                           HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    assert response.status_code == 302, response.content.decode()[:1500]
    request = Request.objects.get()
    waiting = Authorisation.objects.get(intake_number=request.number)
    assert waiting.household is None and waiting.signatures.count() == 2

    request_take(actor=window_worker, request=request, household=None)
    application = request.items.get(item_code="MZ01").application
    authorisation = case_authorisation(application)
    assert authorisation is not None and authorisation.complete
    assert authorisation.document is not None and authorisation.document.code == "D04"
    signatures = list(authorisation.signatures.order_by("member_id"))
    assert [s.name for s in signatures] == [person["name"], "刘大山"]
    assert {s.channel for s in signatures} == {"online"}
    assert signatures[0].device == "Mozilla/5.0 (iPhone)" and signatures[0].witnessed_by is None
    from jiuzhu.documents.selectors import document_get

    d01 = document_get(owner=application, code="D01")
    assert d01.context["authorisation"]["applicant_signature"].startswith("data:image/png")


def test_an_unsigned_online_request_waits_for_the_window(client, tree, person, window_worker):
    from jiuzhu.intake.services import request_take

    fill_until_review(client, person, tree, items=("MZ01",))
    broken = client.post("/self/apply/review/", {"sign_0": "data:image/png;base64,AAAA"})
    assert broken.status_code == 422 and not Request.objects.exists()
    assert client.post("/self/apply/review/", {"sign_0": drawn(1)}).status_code == 302
    request = Request.objects.get()
    request_take(actor=window_worker, request=request, household=None)
    application = request.items.get(item_code="MZ01").application
    authorisation = case_authorisation(application)
    assert authorisation is not None and not authorisation.complete  # the spouse signs later
    assert [s.name for s in authorisation.signatures.all()] == [person["name"]]
