"""The small demo county (one generated family a village), loaded ONCE through the ``jiuzhu
demo`` command for three families of checks (each test in its own savepoint inside, the
whole load rolled back after the module):

- the command itself: idempotent, never changes an existing user's password, and records
  that the demo county was loaded (which lets the demo verification source answer there);
- the demo content (``demo_content.py``): rows in every list a user opens;
- the demo users' walks (``jiuzhu/portal/tests/demo_walks.py``): no link leads to a 403,
  the route sweep across townships, the outside users' sweep.

One load instead of four (each took half a minute to a minute of the suite)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from jiuzhu.demo.tests.demo_content import (  # noqa: F401 (collected here)
    ADMIN_OWN_PASSWORD,
    test_a_case_waits_for_its_second_approver,
    test_cases_in_every_state_of_the_procedure,
    test_emergency_cases_and_funds_in_every_township,
    test_every_household_lives_in_a_grid_and_grid1_sees_its_own,
    test_history_24_confirmed_payrolls_per_township_with_payments,
    test_history_every_programme_decided_with_its_document,
    test_history_intake_items_of_every_department_in_every_inbox,
    test_history_reviews_done_phased_out_stopped_and_overdue,
    test_history_tipoffs_and_emergency_cases_over_the_months,
    test_investigator1_finds_the_assigned_cases_in_my_investigations,
    test_loading_again_adds_nothing,
    test_materials_photos_and_documents,
    test_payrolls_and_bank_accounts,
    test_reviews_and_tipoffs,
    test_station_posted_a_need_that_was_served,
    test_verification_follows_the_cases_and_a_department_file_waits,
    test_verifications_with_findings_some_decided,
    test_visit_photo_import_batch_runs_and_assessments,
)
from jiuzhu.portal.tests.demo_walks import (  # noqa: F401 (collected here)
    test_no_link_shown_to_a_demo_user_is_refused,
    test_no_route_shows_or_changes_a_case_of_another_township,
    test_outside_users_read_no_family_not_assigned_to_them_on_any_route,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def small_demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """``jiuzhu demo --per-village 1`` over an administrator who set their own password;
    its documents (and those the checks issue) render to stand-in files."""
    from jiuzhu.regions.demo import load_regions
    from jiuzhu.testing import UserFactory, stand_in_documents

    with (pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock(),
          transaction.atomic()):
        stand_in_documents(patch)
        regions = load_regions()
        admin = UserFactory(username="admin", role="administrator", region=regions["99"],
                            is_superuser=True)
        admin.set_password(ADMIN_OWN_PASSWORD)
        admin.save()
        out = StringIO()
        call_command("demo", per_village=1, stdout=out, stderr=StringIO())
        yield {"output": out.getvalue()}
        transaction.set_rollback(True)


@pytest.fixture
def county(small_demo: Any) -> dict[str, Any]:
    from jiuzhu.regions.models import Region

    return {r.code: r for r in Region.objects.filter(code__startswith="990102")}


def test_the_demo_command_keeps_passwords_and_records_the_county(small_demo):
    from jiuzhu.accounts.demo import DEMO_PASSWORD
    from jiuzhu.accounts.models import User
    from jiuzhu.core.flags import DEMO_COUNTY, flag_value

    out = small_demo["output"]
    assert "示范县已就绪" in out and "已有的 1 个账号密码未改动" in out, out
    assert User.objects.get(username="admin").check_password(ADMIN_OWN_PASSWORD)
    assert User.objects.get(username="approver1").check_password(DEMO_PASSWORD)
    assert flag_value(DEMO_COUNTY) == "990102"
