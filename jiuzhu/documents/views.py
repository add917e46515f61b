"""Pages of the legal documents (法律文书): download, the template list and its preview.

A document is shown only to a user who may see its case (``permissions.owner_visible``);
anyone else gets 404, exactly as for a missing document.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.choices import Role
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import report_denied
from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.regions.models import Region

from .catalogue import catalogue_entry
from .content import render_content
from .examples import example_context
from .models import Document
from .pdf import content_pdf
from .permissions import owner_visible
from .services import document_file, document_rerender
from .specs import DEFAULT_FOLDER, template_find, template_overview
from .word import content_docx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _is_admin(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", "") == Role.ADMINISTRATOR)


@login_required
@require_POST
def document_rerender_view(request: HttpRequest, pk: int) -> HttpResponse:
    """重新生成: a document whose render failed (its worker died) is rendered again by the
    task worker; back to the page it was asked from (``next``, this site only)."""
    document = Document.objects.select_related("content_type").filter(pk=pk).first()
    if document is None or not owner_visible(request.user, document.owner):
        if document is not None:
            report_denied(request.user, Document, reason="文书所属案件不在本人可见范围", pk=pk)
        raise Http404("没有该文书")
    try:
        document_rerender(actor=request.user, document=document)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("已重新提交生成：%(title)s %(number)s") % {
            "title": document.title, "number": document.number})
    target = request.POST.get("next", "")
    if not (target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                       require_https=request.is_secure())):
        target = "/"
    return redirect(target)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored PDF (``?format=pdf``, the default, shown inline) or Word file; a
    document still pending is rendered first."""
    file_format = request.GET.get("format", "pdf")
    if file_format not in CONTENT_TYPES:
        raise Http404("format 应为 pdf 或 docx")
    document = Document.objects.select_related("content_type").filter(pk=pk).first()
    if document is not None and not owner_visible(request.user, document.owner):
        report_denied(request.user, Document, reason="文书所属案件不在本人可见范围", pk=pk)
    if document is None or not owner_visible(request.user, document.owner):
        raise Http404("没有该文书")
    # Rendered by the task worker after the step committed; a download that comes first
    # renders it now (once: see documents.services.document_render).
    field = document_file(document, file_format)
    audit_record(actor=request.user, action="download", obj=document,
                 region_path=document.region_path,
                 detail={"document": document.code, "number": document.number,
                         "version": document.version, "format": file_format})
    return FileResponse(
        field.open("rb"), content_type=CONTENT_TYPES[file_format],
        as_attachment=file_format == "docx",
        filename=f"{document.code}-{document.title}-v{document.version}.{file_format}",
    )


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    """文书模板: the 24 documents, the template that applies to the user's region and,
    for administrators, every region's override (and what is wrong with a broken one)."""
    rows = template_overview()
    region = getattr(request.user, "region", None)
    folders = {o["folder"] for row in rows for o in row["overrides"]}
    names = dict(Region.objects.filter(code__in=folders).values_list("code", "name"))
    for row in rows:
        for override in row["overrides"]:
            override["region_name"] = names.get(override["folder"], "")
        try:
            row["applies"] = template_find(row["entry"].code, region).folder
        except ServiceError as error:
            row["applies"], row["error"] = None, error.message
    return render(request, "documents/templates.html", {
        "rows": rows, "is_admin": _is_admin(request.user), "region": region,
        "default_folder": DEFAULT_FOLDER,
    })


@login_required
def template_preview(request: HttpRequest, code: str) -> HttpResponse:
    """A template rendered without a case: blank (to fill by hand), or with the invented
    example data (``?sample=1``); ``?region=`` picks the region's template, ``?format=docx``
    the Word file. Nothing is numbered or stored."""
    if catalogue_entry(code) is None:
        raise Http404("没有该文书")
    region = getattr(request.user, "region", None)
    if request.GET.get("region"):
        region = Region.objects.filter(code=request.GET["region"]).first()
        if region is None:
            raise Http404("没有该区划")
    try:
        spec = template_find(code, region)
    except ServiceError as error:
        return HttpResponse(error.message + "\n" + "\n".join(e["message"] for e in error.errors),
                            status=422, content_type="text/plain; charset=utf-8")
    context = example_context(code) if request.GET.get("sample") else {}
    content = render_content(spec, context)
    file_format = request.GET.get("format", "pdf")
    if file_format == "docx":
        response = HttpResponse(content_docx(content), content_type=CONTENT_TYPES["docx"])
        response["Content-Disposition"] = f'attachment; filename="{code}-preview.docx"'
        return response
    return HttpResponse(content_pdf(content), content_type=CONTENT_TYPES["pdf"])
