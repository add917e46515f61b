"""Each closing enqueues exactly one build, after its transaction commits (nothing when it
rolls back): a withdrawal through the applications table, a stop (supervision's event), an
emergency case closed through its table — and that build makes the emergency package."""

from __future__ import annotations

import pytest
from django.db import transaction

from jiuzhu.applications.models import Application
from jiuzhu.applications.workflow import WORKFLOW
from jiuzhu.archive import tasks
from jiuzhu.archive.models import ArchivePackage
from jiuzhu.archive.services import package_build
from jiuzhu.core.access import SYSTEM
from jiuzhu.emergency import services as emergency
from jiuzhu.supervision.events import stopped

from .conftest import DAY, at, closed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    calls: list[tuple[str, int, str]] = []

    class Task:  # the task object is frozen: stand in for it
        @staticmethod
        def enqueue(**kw):
            calls.append((kw["kind"], kw["case_id"], kw["closing"]))

    monkeypatch.setattr(tasks, "archive_build_task", Task)
    # the documents a step issues are rendered by their own task: not here
    monkeypatch.setattr("jiuzhu.documents.services._render_later", lambda pk: None)
    return calls


def test_a_withdrawal_enqueues_one_build_after_commit(tree, staff, enqueued,
                                                      django_capture_on_commit_callbacks):
    application = closed_case(tree, staff, state="submitted", documents=False)
    with django_capture_on_commit_callbacks(execute=True):
        WORKFLOW.perform(actor=SYSTEM, obj=application.pk, action="withdraw",
                         data={"reason": "本人申请撤回"})
        assert enqueued == []  # not before the commit
    assert enqueued == [("application", application.pk, "withdrawn")]
    assert Application.objects.get(pk=application.pk).state == "withdrawn"


def test_a_stop_enqueues_one_build_and_a_rollback_none(tree, staff, case, enqueued,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        stopped(case, actor=SYSTEM, action="phase_out_end")
    assert enqueued == [("application", case.pk, "stopped")]
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                stopped(case, actor=SYSTEM, action="review")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert enqueued == [("application", case.pk, "stopped")]


def test_an_emergency_case_closed_enqueues_one_build(tree, staff, enqueued,
                                                     django_capture_on_commit_callbacks):
    from jiuzhu.households.services import household_register
    from jiuzhu.testing import household_dict

    household = household_register(actor=SYSTEM, data=household_dict(region_code="990102001001"))
    case = emergency.open_case(actor=staff["window"], household=household, source="window",
                               cause="illness", occurred_on=DAY, narrative="突发重病住院",
                               checklist=["E04", "E05"], sudden_expense_fen=0, now=at(DAY))
    with django_capture_on_commit_callbacks(execute=True):
        emergency.case_act(actor=staff["reviewer"], case=case.pk, action="reassess",
                           data={"checklist": ["E04", "E05"], "sudden_expense": "0",
                                 "reason": "复核"})
    assert enqueued == []  # not a closing
    with django_capture_on_commit_callbacks(execute=True):
        emergency.case_act(actor=staff["reviewer"], case=case.pk, action="decide_no_help",
                           data={"reason": "已获保险赔付"})
    assert enqueued == [("emergency", case.pk, "closed")]

    package = package_build(kind="emergency", case_id=case.pk, closing="closed")
    paths = {f["path"] for f in package.manifest["files"]}
    assert {"case.json", "steps.json", "assessment.json"} <= paths
    assert package.record_class == "emergency" and package.household == household
    assert ArchivePackage.objects.count() == 1
