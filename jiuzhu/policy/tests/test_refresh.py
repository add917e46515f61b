"""A set approved in another process reaches this one: before the next request once
``JIUZHU_PARAMETERS_CHECK_SECONDS`` have passed (the middleware), before a ``db_worker``'s
next task and, forced, at the start of a computing command (``core.jobs.work_starting``);
the engine itself calls nothing back. A result computed with the county's entered parameters says so in its rules version."""

from __future__ import annotations

from datetime import date

import pytest
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

from jiuzhu.assessments.services import assessment_run
from jiuzhu.assessments.versioning import files_version
from jiuzhu.core import jobs
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.policy import overlays, services
from jiuzhu.policy.workflow import WORKFLOW
from jiuzhu.rules import parameters
from jiuzhu.testing import household_dict

from .conftest import NEW_YEAR, standards

COUNTY = "990102"
LATER = date(2027, 2, 1)


def approved_elsewhere(admin, approver, tree):
    """A set approved "in another process": its row is approved in the database, nothing
    is installed here (its after-commit install never runs in this process)."""
    draft = services.draft_save(actor=admin, county=tree["county"], effective_on=NEW_YEAR,
                                reference="示民发〔2026〕12号", proposed=standards())
    WORKFLOW.perform(actor=admin, obj=draft.pk, action="submit")
    WORKFLOW.perform(actor=approver, obj=draft.pk, action="approve")
    overlays.forget()
    return draft


def checked_at(monkeypatch, when: float) -> None:
    """This process last asked for the approved sets at ``when`` (before the approval)."""
    monkeypatch.setattr(overlays, "_checked_at", when)


def urban() -> object:
    return parameters.parameters_for(COUNTY, LATER)["dibao_standard_urban"]


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(overlays, "monotonic", lambda: now[0])
    return now


def test_the_engine_keeps_no_callback():
    for name in ("set_refresher", "refresh", "_refresh", "_refresher"):
        assert not hasattr(parameters, name), name
    assert not hasattr(overlays, "connect")


def test_the_next_request_after_the_interval_installs_it(client, admin, approver, tree,
                                                         settings, clock, monkeypatch):
    settings.JIUZHU_PARAMETERS_CHECK_SECONDS = 5
    approved_elsewhere(admin, approver, tree)
    checked_at(monkeypatch, clock[0])  # a request just before the approval
    assert urban() == 900
    clock[0] += 4
    client.get("/healthz")  # within the interval: no question asked
    assert urban() == 900 and parameters.overlay_of(COUNTY) == {}
    clock[0] += 2
    client.get("/healthz")
    assert urban() == 950
    assert parameters.overlay_version(COUNTY) != ""


def test_none_in_the_settings_asks_only_when_forced(client, admin, approver, tree, settings,
                                                    clock):
    settings.JIUZHU_PARAMETERS_CHECK_SECONDS = None
    approved_elsewhere(admin, approver, tree)
    clock[0] += 3600
    client.get("/healthz")
    jobs.on_task_started(sender=DatabaseBackend)
    assert urban() == 900
    jobs.work_starting(force=True)  # jiuzhu reassess and the benchmarks: forced, once
    assert urban() == 950


def test_a_database_worker_installs_it_before_its_next_task(admin, approver, tree, settings,
                                                            clock, monkeypatch):
    settings.JIUZHU_PARAMETERS_CHECK_SECONDS = 5
    monkeypatch.setattr(jobs, "_last_sweep", None)
    approved_elsewhere(admin, approver, tree)
    checked_at(monkeypatch, clock[0])  # the worker's previous task
    clock[0] += 6
    jobs.on_task_started(sender=ImmediateBackend)  # a task run in place: not a worker
    assert urban() == 900
    jobs.on_task_started(sender=DatabaseBackend)
    assert urban() == 950


def test_rules_version_names_the_entered_parameters(admin, approver, tree,
                                                    django_capture_on_commit_callbacks):
    household = household_register(actor=SYSTEM, data=household_dict())
    plain = assessment_run(actor=SYSTEM, household=household, on=LATER)
    assert plain.rules_version == files_version()  # files only: unchanged
    draft = services.draft_save(actor=admin, county=tree["county"], effective_on=NEW_YEAR,
                                reference="示民发〔2026〕12号", proposed=standards())
    WORKFLOW.perform(actor=admin, obj=draft.pk, action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        WORKFLOW.perform(actor=approver, obj=draft.pk, action="approve")
    entered = assessment_run(actor=SYSTEM, household=household, on=LATER)
    assert entered.rules_version == f"{files_version()}+p{parameters.overlay_version(COUNTY)}"
    assert entered.rules_version.startswith("rules-") and len(entered.rules_version) <= 40
    # before the set's date the county's entered values play no part
    before = assessment_run(actor=SYSTEM, household=household, on=date(2026, 12, 1))
    assert before.rules_version == files_version()
