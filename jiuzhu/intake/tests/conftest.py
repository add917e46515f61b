import base64

import pytest

from jiuzhu.households.services import household_register
from jiuzhu.testing import ApiClient, UserFactory, household_dict, member_dict

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MZ01_MATERIALS = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]


@pytest.fixture
def staff(tree):
    """Window, officers of JY and CL (county and township 1), a supervisor, and town 2."""
    town, county = tree["town1"], tree["county"]
    return {
        "window": UserFactory(username="w1", full_name="窗口甲", role="window_worker", region=town),
        "jy": UserFactory(username="jy1", full_name="教育经办", role="department_officer",
                          department="JY", region=county),
        "cl": UserFactory(username="cl1", full_name="残联经办", role="department_officer",
                          department="CL", region=town),
        "wj": UserFactory(username="wj1", full_name="卫健经办", role="department_officer",
                          department="WJ", region=county),
        "supervisor": UserFactory(username="s1", full_name="督办领导", role="supervisor",
                                  region=county),
        "other_window": UserFactory(username="w2", role="window_worker", region=tree["town2"]),
        "other_jy": UserFactory(username="jy2", role="department_officer", department="JY",
                                region=tree["town2"]),
        "reviewer": UserFactory(username="r1", role="township_reviewer", region=town),
    }


@pytest.fixture
def family(staff):
    return household_register(actor=staff["window"], data=household_dict(members=[
        member_dict(name="李大山", occupation="unemployed", health="serious_illness"),
        member_dict(member_id="M2", name="王小花", relation="spouse", health="severe_disability",
                    occupation="none"),
    ], address="第1村3组"))


def files(*materials, content=PDF):
    return [(m, f"{m}.pdf", content) for m in materials]


@pytest.fixture
def api(client, staff):
    return ApiClient(client, staff, "/api/v1/intake/items/{id}/actions/{action}")
