"""Rendering documents after the step that issued them has committed."""

from __future__ import annotations

from django_tasks import task


@task()
def document_render_task(document_id: int) -> None:
    """Render the PDF and the Word file of a pending document (nothing if it is ready)."""
    from .services import document_render

    document_render(document_id)
