"""A step issues its documents in its transaction and renders them only after it commits."""

from __future__ import annotations

import pytest

from jiuzhu.applications.services import application_create
from jiuzhu.audit.models import AuditEvent
from jiuzhu.documents import services as documents
from jiuzhu.documents.models import Document, DocumentStatus
from jiuzhu.documents.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_creating_a_case_numbers_d01_and_renders_it_after_commit(
        staff, poor_household, monkeypatch, django_capture_on_commit_callbacks, api):
    def no_rendering_here(*args, **kwargs):
        raise AssertionError("rendered inside the step's transaction")

    with monkeypatch.context() as inside, \
            django_capture_on_commit_callbacks(execute=False) as callbacks:
        inside.setattr(documents, "content_pdf", no_rendering_here)
        inside.setattr(documents, "content_docx", no_rendering_here)
        application = application_create(actor=staff["window"], household=poor_household,
                                         item_code="MZ01", channel="window")
    d01 = Document.objects.for_owner(application).get(code="D01")
    assert d01.status == DocumentStatus.PENDING and d01.number.endswith("第0001号")
    # The API serves it before the worker got to it: rendered on demand.
    response = api.get("window", f"/api/v1/applications/{application.pk}/documents/D01")
    assert response.status_code == 200
    assert d01.number in pdf_text(b"".join(response.streaming_content))
    ready = Document.objects.get(pk=d01.pk)
    assert ready.status == DocumentStatus.READY
    assert callbacks
    for callback in callbacks:  # the worker comes later and finds nothing left to do
        callback()
    assert Document.objects.get(pk=d01.pk).pdf_sha256 == ready.pdf_sha256
    assert AuditEvent.objects.filter(action="render", object_id=str(d01.pk)).count() == 1
