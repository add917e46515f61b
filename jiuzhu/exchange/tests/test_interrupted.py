"""#14 item 8: an import whose worker died (killed while writing: 写入中 1000/3000) is found
by the next worker and marked failed — nothing written: the import publishes in one
transaction at the end and the sweep deletes what was staged (test_staged.py) — and its
重新开始 button runs it again."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core import jobs
from jiuzhu.core.errors import ServiceError
from jiuzhu.exchange import progress
from jiuzhu.exchange.choices import ImportStatus
from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.services import import_job_create, import_job_restart
from jiuzhu.exchange.tests.workbooks import upload, workbook_bytes
from jiuzhu.households.models import Household
from jiuzhu.testing import PASSWORD, UserFactory, household_dict

MINUTES_AGO = 30


@pytest.fixture
def killed_job(window_worker):
    """A job as a killed worker leaves it: writing, 1000 of 3 written long ago (the worker
    rolled nothing forward: the transaction died with it)."""
    job = import_job_create(actor=window_worker, upload=upload(workbook_bytes(
        [household_dict(household_id=f"K{i}") for i in range(3)])))
    long_ago = timezone.now() - timedelta(minutes=MINUTES_AGO)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, total_rows=3,
                                               processed_rows=3, started_at=long_ago,
                                               heartbeat_at=long_ago, created_at=long_ago)
    progress.written_set(job.pk, 1)
    stamp = time.time() - MINUTES_AGO * 60
    os.utime(progress._path(job.pk), (stamp, stamp))
    job.refresh_from_db()
    return job


def test_the_worker_finds_the_dead_import_on_its_first_task(killed_job, monkeypatch):
    monkeypatch.setattr(jobs, "_last_sweep", None)
    jobs.on_task_started(sender=DatabaseBackend)
    killed_job.refresh_from_db()
    assert killed_job.status == ImportStatus.FAILED
    assert killed_job.interrupted
    assert "未写入任何数据" in killed_job.message
    assert killed_job.summary["written"] == 0
    assert not Household.objects.exists()
    assert AuditEvent.objects.filter(action="import", detail__status="interrupted").exists()
    assert progress.written_get(killed_job.pk) == 0  # the progress file is gone


def test_tasks_run_in_place_do_not_sweep(killed_job, monkeypatch):
    from django_tasks.backends.immediate import ImmediateBackend

    monkeypatch.setattr(jobs, "_last_sweep", None)
    jobs.on_task_started(sender=ImmediateBackend)
    killed_job.refresh_from_db()
    assert killed_job.status == ImportStatus.WRITING


def test_a_live_import_is_left_alone(killed_job):
    ImportJob.objects.filter(pk=killed_job.pk).update(heartbeat_at=timezone.now())
    assert jobs.sweep() == 0
    # the write beats in its progress file (its row updates are inside the transaction)
    ImportJob.objects.filter(pk=killed_job.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=MINUTES_AGO))
    progress.written_set(killed_job.pk, 2)
    assert jobs.sweep() == 0
    os.utime(progress._path(killed_job.pk), (0, 0))
    assert jobs.sweep() == 1


def test_the_page_shows_it_failed_and_restart_runs_it(client, window_worker, killed_job,
                                                      django_capture_on_commit_callbacks):
    client.login(username=window_worker.username, password=PASSWORD)
    page = client.get(f"/exchange/import/{killed_job.pk}/").content.decode()
    assert 'data-status="failed"' in page  # found stale by the page itself, no worker needed
    assert "重新开始" in page and 'data-testid="import-restart"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/exchange/import/{killed_job.pk}/restart/")
    assert response.status_code == 302
    killed_job.refresh_from_db()
    assert killed_job.status == ImportStatus.DONE
    assert Household.objects.count() == 3
    assert AuditEvent.objects.filter(action="import", detail__status="restarted").exists()
    # once done it cannot be restarted
    with pytest.raises(ServiceError) as refused:
        import_job_restart(actor=window_worker, job=killed_job)
    assert refused.value.code == "step_not_allowed"


def test_only_importers_of_the_region_may_restart(killed_job, other_window_worker, tree):
    jobs.sweep()
    killed_job.refresh_from_db()
    for outsider in (other_window_worker, UserFactory(role="investigator", region=tree["town1"])):
        with pytest.raises(ServiceError) as refused:
            import_job_restart(actor=outsider, job=killed_job)
        assert refused.value.code == "forbidden"
    killed_job.refresh_from_db()
    assert killed_job.status == ImportStatus.FAILED
