"""Schemathesis over the API's OpenAPI document (issue #14 item 12), in process.

The schema is loaded from the WSGI application itself (``/api/v1/openapi.json``, no
server) and every operation is called with generated requests — valid ones and, in the
negative mode, ones the schema forbids (wrong types, control characters, missing fields,
bodies that are not JSON) — as two roles on a small fixture: a township window worker and a
county approver, each with an API token. Each response must be no server error, have a
documented status code and content type, and a body that matches the documented schema;
a request the schema forbids must be refused (4xx).

Not checked: ``positive_data_acceptance`` (a schema-valid body is refused by the business
rules — an unknown region code, a household that does not exist — which the schema cannot
say). Every operation runs, writes too: the fixture's objects are the test's own, rolled
back after it. Examples are few (``MAX_EXAMPLES``) and derandomized, so a run is
reproducible and takes well under three minutes on two cores.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jiuzhu.accounts.services import token_create
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict, member_dict
from jiuzhu.wsgi import application

#: Generated requests per operation and role in the fuzzing phase (the examples phase adds
#: the documented examples).
MAX_EXAMPLES = 4

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# No shrinking (a failure is reported as found: shrinking a slow request takes minutes), a
# fixed seed; the coverage phase's hundreds of boundary cases per body are left out for time.
schema.config.generation.update(no_shrink=True, deterministic=True)
schema.config.phases.update(phases=["examples", "fuzzing"])

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]


@pytest.fixture
def _one_connection():
    """Keep the test's database connection across requests, as Django's test client does:
    the WSGI handler closes it when a request ends (``close_old_connections``), which on
    PostgreSQL ends the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(tree, _one_connection):
    """A window worker of township 1 and the county approver, and a household of township 1
    (pk 1 on a fresh database, which generated path ids often are)."""
    town, county = tree["town1"], tree["county"]
    window = UserFactory(username="fuzz_window", role="window_worker", region=town)
    approver = UserFactory(username="fuzz_approver", role="county_approver", region=county)
    household_register(actor=window, data=household_dict(members=[
        member_dict(occupation="unemployed", health="serious_illness", income={"wages": 1200})]))
    return {"window": token_create(user=window), "approver": token_create(user=approver)}


@pytest.mark.parametrize("role", ["window", "approver"])
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api(case, tokens, role):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)
