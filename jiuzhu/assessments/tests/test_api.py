import json
from pathlib import Path

import pytest
import yaml

from jiuzhu.accounts.services import token_create

CASES = Path(__file__).resolve().parents[2] / "rules" / "tests" / "cases"


def _examples():
    cases = yaml.safe_load((CASES / "spec_examples.yaml").read_text())
    return [(case["input"], case["output"]) for case in cases]


@pytest.fixture
def bearer(window_worker):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=window_worker)}"}


@pytest.mark.parametrize("household, expected", _examples()[:6], ids=lambda x: x.get("household_id", "") if isinstance(x, dict) else "")
def test_assess_gives_the_spec_result(client, bearer, household, expected):
    response = client.post("/api/v1/assess", data=json.dumps(household),
                           content_type="application/json", **bearer)
    assert response.status_code == 200
    got = response.json()
    assert {k: str(got[k]) for k in expected} == {k: str(v) for k, v in expected.items()}
    assert got["explanation"]["parameters"]["dibao_standard_urban"]["reference"]


def test_assess_invalid_household_is_422_with_paths(client, bearer):
    household = _examples()[0][0]
    household["members"][0]["health"] = "unknown"
    household["expenditures"]["medical"] = 10.123
    response = client.post("/api/v1/assess", data=json.dumps(household),
                           content_type="application/json", **bearer)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {"members[0].health", "expenditures.medical"} <= {e["path"] for e in body["errors"]}
    assert "benefit_monthly" not in body


def test_assess_needs_a_token(client, db):
    assert client.post("/api/v1/assess", data="{}", content_type="application/json").status_code == 401
