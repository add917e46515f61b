# ruff: noqa: F811 - the fixtures imported from emergency_fixtures are parameters here
"""Who may take which step of an emergency case (``emergency/rules.py``), in and out of
their region."""

from __future__ import annotations

import pytest

from jiuzhu.emergency import services

from .emergency_fixtures import DAY, at, household, media, people  # noqa: F401

pytestmark = pytest.mark.django_db

#: permission → the roles of ``people`` (all of 第1镇 or the county) that hold it on a case
#: of 第1村's grid
EXPECTED = {
    "emergency.view_case": {"window", "reviewer", "approver", "grid", "assistant",
                            "supervisor", "investigator"},
    "emergency.open_case": {"window", "reviewer", "grid", "assistant"},
    "emergency.reassess": {"window", "reviewer", "grid", "assistant"},
    "emergency.approve_help": {"reviewer", "approver"},
    "emergency.county_approve": {"approver"},
    "emergency.pay": {"window", "reviewer"},
    "emergency.release": {"reviewer", "approver"},
    "emergency.open_procedure": {"window", "reviewer"},
    "emergency.refer": {"window", "reviewer"},
    "emergency.record_referral": {"window", "reviewer"},
    "emergency.monitor": {"window", "reviewer"},
    "emergency.decide_no_help": {"reviewer"},
    "emergency.close": {"window", "reviewer"},
    "emergency.papers_done": set(),
}


@pytest.fixture
def case(people, household):
    return services.open_case(actor=people["window"], household=household, source="window",
                              cause="fire", occurred_on=DAY, narrative="起火",
                              checklist=["E01"], sudden_expense_fen=0, now=at(DAY))


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_who_holds_each_permission_on_a_case(people, case, permission):
    holders = {name for name, user in people.items() if user.has_perm(permission, case)}
    assert holders == EXPECTED[permission]


def test_the_lists(people):
    assert {n for n, u in people.items() if u.has_perm("emergency.view_list")} == set(people)
    assert {n for n, u in people.items() if u.has_perm("emergency.view_duty")} == {
        "window", "reviewer", "other_reviewer", "approver", "supervisor"}
