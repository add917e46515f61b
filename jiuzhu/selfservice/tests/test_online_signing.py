"""签署核对授权 online (issue #16 item 2): the adults sign the verification authorisation on
the phone in the review step; the signatures travel with the request and become the case's
when the window takes it (the signed D04 issued, 网上申请 as the channel)."""

from __future__ import annotations

import re

import pytest

from jiuzhu.applications.materials import application_missing
from jiuzhu.applications.signing import case_authorisation
from jiuzhu.applications.tests.test_signing import drawn
from jiuzhu.intake.models import Request
from jiuzhu.verification.models import Authorisation

from .conftest import fill_until_review

pytestmark = pytest.mark.django_db

AUTHORISATION = "家庭经济状况核对授权书"
AUTHORISATION_ONLY = (AUTHORISATION,)


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
    row = request.items.get(item_code="MZ01")
    assert AUTHORISATION in row.materials  # received at the window: every adult signed
    application = row.application
    assert AUTHORISATION not in application_missing(application, AUTHORISATION_ONLY)
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


def test_the_materials_list_says_signed_once_the_adults_sign(client, tree, person):
    """The review's materials list: 授权书 is not 未上传 while it is being signed below —
    已签署（电子签名 n/m）, counted again at every stroke (selfservice/signed.js); a
    submission refused for another reason keeps the readable signatures in their pads."""
    fill_until_review(client, person, tree, items=("MZ01",))
    page = client.get("/self/apply/review/").content.decode()
    status = re.search(r'<span data-testid="authorisation-status"[^>]*>([^<]*)</span>', page)
    assert status is not None and status.group(1) == "未上传，可在下方电子签名"
    assert 'data-signed-text="已签署（电子签名 %(n)s/%(total)s）"' in status.group(0)
    assert 'data-total="2"' in status.group(0)
    assert f"{AUTHORISATION}：<span" in page and "selfservice/signed.js" in page
    first = drawn(1)
    refused = client.post("/self/apply/review/", {"sign_0": first,
                                                   "sign_1": "data:image/png;base64,AAAA"})
    assert refused.status_code == 422 and not Request.objects.exists()
    page = refused.content.decode()
    assert ">已签署（电子签名 1/2）</span>" in page
    assert f'name="sign_0" value="{first}"' in page and 'name="sign_1" value=""' in page
    assert client.post("/self/apply/review/", {"sign_0": first, "sign_1": drawn(2)}
                       ).status_code == 302
