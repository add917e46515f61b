"""A worker takes the jobs someone watches a progress bar for before the renders of
documents already issued (a download renders a pending document on demand)."""

from jiuzhu.assessments import tasks as assessment_tasks
from jiuzhu.documents.tasks import document_render_task
from jiuzhu.exchange.tasks import import_job_process
from jiuzhu.verification import tasks as verification_tasks


def test_renders_wait_behind_imports_verifications_and_re_assessments():
    watched = [import_job_process, *(getattr(module, name) for module in (
        assessment_tasks, verification_tasks) for name in dir(module)
        if name.endswith("_task") and hasattr(getattr(module, name), "enqueue"))]
    assert len(watched) >= 3
    assert all(document_render_task.priority < task.priority for task in watched)
