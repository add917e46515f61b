"""#14 item 8: every kind of background run whose worker died — a batch re-assessment, a
dashboard refresh (the import: exchange/tests/test_interrupted.py) — is found by the sweep
and marked failed with what was kept, and may be started again."""

from datetime import timedelta

from django.utils import timezone

from jiuzhu.assessments.choices import BatchStatus
from jiuzhu.assessments.models import BatchRun
from jiuzhu.core import jobs
from jiuzhu.monitoring.models import RefreshRun


def test_every_kind_of_run_registers_its_sweep():
    names = {callback.__name__ for callback in jobs.stale_runs.callbacks}
    assert {"import_jobs_fail_stale", "batch_runs_fail_stale",
            "refresh_runs_fail_stale"} <= names


def test_dead_runs_are_failed_with_what_was_kept_live_ones_left(tree):
    long_ago = timezone.now() - timedelta(minutes=30)
    county = tree["county"]
    dead = BatchRun.objects.create(region=county, assessment_date=timezone.localdate(),
                                   status=BatchStatus.RUNNING, total=3000, processed=1000,
                                   started_at=long_ago, heartbeat_at=long_ago)
    live = BatchRun.objects.create(region=county, assessment_date=timezone.localdate(),
                                   status=BatchStatus.RUNNING, total=3000, processed=20,
                                   started_at=long_ago, heartbeat_at=timezone.now())
    refresh = RefreshRun.objects.create(region=county, region_path=county.path, status="running",
                                        total=5, done=2, heartbeat_at=long_ago)
    assert jobs.sweep() == 2
    dead.refresh_from_db()
    live.refresh_from_db()
    refresh.refresh_from_db()
    assert dead.status == BatchStatus.FAILED and "1000 / 3000" in dead.error
    assert live.status == BatchStatus.RUNNING
    assert refresh.status == "failed" and "2 / 5" in refresh.error
    assert jobs.sweep() == 0


def test_a_failed_batch_resumes_from_its_cursor(tree, superuser):
    from jiuzhu.assessments.services import batch_resume

    run = BatchRun.objects.create(region=tree["county"], assessment_date=timezone.localdate(),
                                  status=BatchStatus.RUNNING, total=0, processed=0,
                                  heartbeat_at=timezone.now() - timedelta(hours=1))
    jobs.sweep()
    run.refresh_from_db()
    assert run.status == BatchStatus.FAILED
    assert batch_resume(actor=superuser, run=run)
