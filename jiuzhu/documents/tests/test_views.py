"""The download, the documents partial and the templates pages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.documents.examples import example_context
from jiuzhu.documents.permissions import owner_visibility_register, owner_visible
from jiuzhu.documents.services import document_issue, documents_for
from jiuzhu.testing import UserFactory

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(window_worker, case, tree):
    return document_issue(actor=window_worker, owner=case, code="D13", office=tree["town1"],
                          context=example_context("D13"))


def _download(client, document, file_format=None):
    url = reverse("documents:download", args=[document.pk])
    return client.get(url, {"format": file_format} if file_format else {})


def test_a_worker_of_the_township_downloads_pdf_and_word(client, window_worker, document):
    client.force_login(window_worker)
    response = _download(client, document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and document.number in pdf_text(body)
    response = _download(client, document, "docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="download", object_id=str(document.pk)).count() == 2


def test_another_townships_worker_gets_not_found(client, other_window_worker, document):
    client.force_login(other_window_worker)
    assert _download(client, document).status_code == 404
    assert _download(client, document, "docx").status_code == 404


def test_login_required_and_unknown_format(client, window_worker, document):
    assert _download(client, document).status_code == 302
    client.force_login(window_worker)
    assert _download(client, document, "exe").status_code == 404
    missing = reverse("documents:download", args=[document.pk + 1000])
    assert client.get(missing).status_code == 404


def test_county_staff_and_superuser_see_it(client, tree, superuser, document):
    county_user = UserFactory(username="county", role="county_approver", region=tree["county"])
    client.force_login(county_user)
    assert _download(client, document).status_code == 200
    client.force_login(superuser)
    assert _download(client, document).status_code == 200


def test_a_model_can_register_its_own_visibility_rule(tree, window_worker, other_window_worker):
    from jiuzhu.regions.models import Region

    village = tree["village1"]
    assert owner_visible(window_worker, village) and not owner_visible(other_window_worker, village)
    owner_visibility_register(Region, lambda user, owner: user.username == "window2")
    try:
        assert owner_visible(other_window_worker, village)
        assert not owner_visible(window_worker, village)
    finally:
        from jiuzhu.documents import permissions
        permissions._checks.pop(Region)


def test_the_partial_lists_a_cases_documents_with_their_versions(window_worker, case, tree):
    first = document_issue(actor=window_worker, owner=case, code="D11", office=tree["town1"],
                           context=example_context("D11"))
    second = document_issue(actor=window_worker, owner=case, code="D11", office=tree["town1"],
                            context=example_context("D11"))
    html = render_to_string("documents/_list.html", {"documents": documents_for(case)})
    for expected in (second.number, first.number, "v2", "v1", "历史版本", "最低生活保障审核公示",
                     second.pdf_sha256[:12],
                     reverse("documents:download", args=[first.pk]) + "?format=docx"):
        assert expected in html, expected
    assert "尚未出具文书" in render_to_string("documents/_list.html", {"documents": []})


def test_the_templates_page_shows_the_27_and_the_overrides_to_admins(client, tree, window_worker):
    client.force_login(window_worker)
    html = client.get(reverse("documents:templates")).content.decode()
    assert html.count('data-code="D') == 27
    assert "990102/D01.yaml" in html  # what 第1镇 uses
    assert "区划专用模板" not in html
    admin = UserFactory(username="admin1", role="administrator", region=tree["province"])
    client.force_login(admin)
    html = client.get(reverse("documents:templates")).content.decode()
    assert "区划专用模板" in html and "<code>990102</code> 示范县" in html


def test_template_preview_blank_and_sample(client, window_worker):
    client.force_login(window_worker)
    url = reverse("documents:template_preview", args=["D14"])
    blank = client.get(url)
    assert blank.status_code == 200 and blank["Content-Type"] == "application/pdf"
    assert "＿＿＿＿" in pdf_text(blank.content)
    sample = client.get(url, {"sample": 1, "format": "docx"})
    assert sample.status_code == 200 and sample.content.startswith(b"PK")
    assert client.get(reverse("documents:template_preview", args=["D99"])).status_code == 404


def test_a_download_before_the_worker_rendered_it_renders_it_once(client, window_worker,
                                                                  document, case):
    from jiuzhu.documents.models import Document, DocumentStatus

    # The test's transaction never commits, so the worker never rendered it.
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.PENDING
    html = render_to_string("documents/_list.html", {"documents": documents_for(case)})
    assert 'data-status="pending"' in html and "文件生成中" in html
    client.force_login(window_worker)
    body = b"".join(_download(client, document).streaming_content)
    assert body.startswith(b"%PDF") and document.number in pdf_text(body)
    ready = Document.objects.get(pk=document.pk)
    assert ready.status == DocumentStatus.READY and ready.pdf_sha256
    docx = b"".join(_download(client, document, "docx").streaming_content)
    assert docx.startswith(b"PK")
    assert AuditEvent.objects.filter(action="render", object_id=str(document.pk)).count() == 1
    html = render_to_string("documents/_list.html", {"documents": documents_for(case)})
    assert ready.pdf_sha256[:12] in html and 'data-status="pending"' not in html
