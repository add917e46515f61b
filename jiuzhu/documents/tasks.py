"""Rendering documents after the step that issued them has committed."""

from __future__ import annotations

from django_tasks import task

#: Below the default: a worker takes what someone is watching a progress bar for (an import, a
#: verification, a re-assessment) before the files of documents already issued, which a
#: download renders on demand anyway.
RENDER_PRIORITY = -10


@task(priority=RENDER_PRIORITY)
def document_render_task(document_id: int) -> None:
    """Render the PDF and the Word file of a pending document (nothing if it is ready)."""
    from .services import document_render

    document_render(document_id)
