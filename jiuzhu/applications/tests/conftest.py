import base64

import pytest

from jiuzhu.households.services import household_register
from jiuzhu.testing import ApiClient, UserFactory, household_dict, member_dict

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MATERIALS = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]
ACTIONS = "/api/v1/applications/{id}/actions/{action}"


@pytest.fixture
def staff(tree):
    """One user per role, in township 1 (county roles at the county)."""
    town, county = tree["town1"], tree["county"]
    return {
        "window": UserFactory(username="w1", role="window_worker", region=town),
        "reviewer": UserFactory(username="r1", role="township_reviewer", region=town),
        # a second reviewer: the one who gave the opinion may not decide (四眼原则)
        "reviewer2": UserFactory(username="r1b", role="township_reviewer", region=town),
        "investigator": UserFactory(username="i1", role="investigator", region=town),
        "verifier": UserFactory(username="v1", role="verification_officer", region=county),
        "assistant": UserFactory(username="a1", role="village_assistant", region=tree["village1"]),
        "approver": UserFactory(username="p1", role="county_approver", region=county),
        "supervisor": UserFactory(username="s1", role="supervisor", region=county),
        "other_window": UserFactory(username="w2", role="window_worker", region=tree["town2"]),
    }


@pytest.fixture
def poor_household(staff):
    return household_register(actor=staff["window"], data=household_dict(members=[
        member_dict(occupation="unemployed", health="serious_illness", income={"wages": 1200}),
        member_dict(member_id="M2", name="王五", relation="spouse", health="severe_disability",
                    occupation="none"),
    ]))


@pytest.fixture
def api(client, staff):
    return ApiClient(client, staff, ACTIONS)


def files(*materials, content=PDF):
    return [{"material": m, "name": f"{m}.pdf", "content_base64": base64.b64encode(content).decode()}
            for m in materials]


def completed_verification(household, verifier) -> int:
    """A verification request of ``household`` run to completion (the demo source answers
    every source in tests): the pk a decision needs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiuzhu.verification.services import verification_request_create, verification_run

    request = verification_request_create(
        actor=verifier, household=household,
        authorisation=SimpleUploadedFile("授权书.pdf", PDF, content_type="application/pdf"))
    request = verification_run(request=request)
    assert request.status == "complete", request.status
    return request.pk
