"""#15: an import is written in short chunks of staged rows, invisible until one short
transaction publishes them all; a refusal, an error or a dead worker discards them."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from jiuzhu.assessments.loader import load_chunk
from jiuzhu.audit.models import AuditEvent
from jiuzhu.exchange import progress, services
from jiuzhu.exchange.choices import ImportStatus
from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.services import import_job_create, import_jobs_fail_stale
from jiuzhu.exchange.tests.workbooks import run_import, upload, workbook_bytes
from jiuzhu.households.models import Household, Member
from jiuzhu.households.selectors import household_history, household_search
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict


def _households(n: int, prefix: str = "S") -> list[dict]:
    return [household_dict(household_id=f"{prefix}{i:03d}") for i in range(1, n + 1)]


def test_staged_rows_are_invisible_until_published(window_worker, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "WRITE_CHUNK", 2)
    households = _households(5)
    number = households[4]["members"][0]["id_number"]
    publish, seen = services._Stage.publish, {}

    def watching_publish(stage):
        seen["households"] = Household.objects.count()
        seen["visible"] = Household.objects.visible_to(window_worker).count()
        seen["by_id_number"] = Member.objects.filter(id_number=number).count()
        seen["search"] = household_search(user=window_worker, q=number).count()
        seen["members"] = Member.objects.count()
        seen["staged"] = (Household.all_objects.filter(staged_by=stage.job.pk).count(),
                          Member.all_objects.filter(staged_by=stage.job.pk, id_number=number)
                          .count())
        seen["audit"] = AuditEvent.objects.filter(action="create").count()
        # the batch re-assessment's and the 大处方统计's bulk read (raw SQL) skips them too
        seen["assessed"] = len(load_chunk(path_prefix="", after_pk=0, limit=100,
                                          assessment_date=date(2026, 3, 1)).household_pks)
        published = publish(stage)
        if connection.vendor == "postgresql":  # two publishing imports take turns
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                               "AND pid = pg_backend_pid() AND objid = %s",
                               [services.PUBLISH_LOCK_KEY])
                assert cursor.fetchone()[0] == 1
        return published

    monkeypatch.setattr(services._Stage, "publish", watching_publish)
    job = run_import(window_worker, workbook_bytes(households), django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    assert seen == {"households": 0, "visible": 0, "by_id_number": 0, "search": 0, "members": 0,
                    "staged": (5, 1), "audit": 0, "assessed": 0}
    # published: found by ID number (the blind index bulk_create wrote), searched, listed
    assert Household.objects.count() == 5
    assert Member.objects.get(id_number=number).household.household_id == "S005"
    assert list(household_search(user=window_worker, q=number)
                .values_list("household_id", flat=True)) == ["S005"]
    assert not Household.all_objects.filter(staged_by__isnull=False).exists()
    # one audit event for the import, listing the counts; none per household
    [event] = AuditEvent.objects.filter(action="import")
    assert event.detail["households"] == 5 and event.detail["status"] == "done"
    assert not AuditEvent.objects.filter(action="create").exists()


def test_an_imported_household_history_says_which_import(window_worker,
                                                         django_capture_on_commit_callbacks):
    households = _households(1)
    job = run_import(window_worker, workbook_bytes(households),
                     django_capture_on_commit_callbacks)
    household = Household.objects.get()
    changes = household_history(household=household)
    assert {(c.what.split()[0], c.kind) for c in changes} == {("家庭", "新增"), ("家庭成员", "新增")}
    assert {c.reason for c in changes} == {f"Excel 导入（任务 {job.pk}：家庭.xlsx）"}
    assert {c.who for c in changes} == {window_worker.full_name or window_worker.username}
    assert household.created_by == window_worker
    assert Member.objects.get(member_id="M1").id_number == households[0]["members"][0]["id_number"]


def test_an_id_number_registered_while_staging_refuses_the_import_at_publish(
        window_worker, monkeypatch, django_capture_on_commit_callbacks):
    """The chunks were staged; before the publish someone registers a household with one
    of the staged ID numbers: the import is refused with that cell, the staged rows go."""
    households = _households(3)
    written_set = progress.written_set

    def race_after_the_last_chunk(job_id, count):
        written_set(job_id, count)
        if count == 3:  # staged, committed, not yet published
            other = household_dict(household_id="OTHER")
            other["members"][1] = {**other["members"][1],
                                   "id_number": households[2]["members"][1]["id_number"],
                                   "birth_date": households[2]["members"][1]["birth_date"]}
            household_register(actor=window_worker, data=other)

    monkeypatch.setattr(progress, "written_set", race_after_the_last_chunk)
    job = run_import(window_worker, workbook_bytes(households), django_capture_on_commit_callbacks)

    assert job.status == "failed"
    assert [(e["sheet"], e["household_id"], e["column"], e["message"]) for e in job.errors] == [
        ("成员", "S003", "身份证号", "该身份证号已在另一个在册家庭中登记")]
    assert list(Household.all_objects.values_list("household_id", flat=True)) == ["OTHER"]
    assert Member.all_objects.filter(staged_by__isnull=False).count() == 0
    assert not Household.history.filter(household_id__startswith="S").exists()


def test_the_stale_sweep_discards_what_a_dead_worker_staged(window_worker, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    """The worker staged the first chunk and died: the sweep fails the job and deletes
    the staged households, members and history; nothing was ever visible."""
    monkeypatch.setattr(services, "WRITE_CHUNK", 2)
    write = services._Stage.write

    class Killed(BaseException):
        pass

    def die_after_first_chunk(stage, chunk):
        if Household.all_objects.exists():
            raise Killed
        return write(stage, chunk)

    monkeypatch.setattr(services._Stage, "write", die_after_first_chunk)
    monkeypatch.setattr(services, "staged_discard", lambda job_id: 0)  # died: no clean-up
    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_create(actor=window_worker, upload=upload(workbook_bytes(_households(4))))
    with pytest.raises(Killed):
        services.import_job_run(job_id=job.pk)
    monkeypatch.undo()
    assert Household.all_objects.filter(staged_by=job.pk).count() == 2
    assert Household.objects.count() == 0

    assert import_jobs_fail_stale(before=timezone.now() + timedelta(minutes=1)) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.interrupted
    assert Household.all_objects.count() == 0
    assert Member.all_objects.count() == 0
    assert not Household.history.exists() and not Member.history.exists()


def test_a_registration_meanwhile_does_not_take_a_staged_household_number(
        window_worker, monkeypatch, django_capture_on_commit_callbacks):
    """Staged numbers are taken: a registration of the same number while the import is
    staging is refused (the unique key), and the import then publishes its own."""
    publish, refused = services._Stage.publish, []

    def register_then_publish(stage):
        try:
            household_register(actor=window_worker, data=household_dict(household_id="S001"))
        except Exception as error:  # noqa: BLE001 - what the user would see
            refused.append(getattr(error, "code", error))
        return publish(stage)

    monkeypatch.setattr(services._Stage, "publish", register_then_publish)
    job = run_import(window_worker, workbook_bytes(_households(1)),
                     django_capture_on_commit_callbacks)
    assert job.status == "done"
    assert len(refused) == 1
    assert ImportJob.objects.get().status == "done"
    assert Household.objects.count() == 1
