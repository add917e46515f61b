"""Pages of the electronic archive (电子档案): the list of packages of the user's region,
a case's packages, a package with its manifest, and the download that re-checks the
digests. Another township's package or case is 'not found' exactly like a missing one; a
role without the permission gets 403."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.downloads import list_response
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import services
from .choices import RETENTION_YEARS, CaseKind, RecordClass
from .forms import ArchiveFilterForm
from .selectors import case_get, checks_of, package_get, package_search, packages_of_case

PAGE_SIZE = 30


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _or_404(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except ServiceError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        raise


def retention_table() -> list[dict[str, Any]]:
    return [{"label": label, "years": RETENTION_YEARS[RecordClass(value)]}
            for value, label in RecordClass.choices]


@login_required
@require_GET
def archive_list(request: HttpRequest) -> HttpResponse:
    """电子档案: the packages of the user's region, newest closing first, filtered; Excel."""
    _require(request.user, "archive.view")
    form = ArchiveFilterForm(request.GET or None, user=request.user)
    qs = package_search(request.user, **form.values())
    if request.GET.get("export") == "xlsx":
        return list_response(
            request, what="archive", name=_("电子档案"),
            headers=[_("案件编号"), _("版本"), _("案件类型"), _("事项"), _("户主"), _("家庭编号"),
                     _("所在区划"), _("办结事由"), _("办结日期"), _("档案类别"), _("保管期限至"),
                     _("文件数"), _("大小（字节）"), _("归档时间"), _("SM3"), _("SHA-256"),
                     _("校验")],
            rows=([p.case_number, p.version, p.get_case_kind_display(), p.item_code,
                   p.household.head_name, p.household.household_id, p.region.name,
                   p.get_closing_display(), p.closed_on, p.get_record_class_display(),
                   p.retain_until, p.file_count, p.size, p.built_at, p.sm3, p.sha256,
                   _("校验失败") if p.failed_check else _("正常")]  # type: ignore[attr-defined]
                  for p in qs.iterator(chunk_size=500)))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "archive/list.html", {
        "form": form, "page": page, "retention": retention_table(),
        "may_download": request.user.has_perm("archive.download")})


@login_required
@require_GET
def case_archive(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """A case's archive: its packages (one per closing event) or why there is none yet."""
    _require(request.user, "archive.view")
    if kind not in CaseKind.values:
        raise Http404(_("案件不存在"))
    case = _or_404(case_get, request.user, kind, case_id)
    packages = packages_of_case(request.user, kind, case_id)
    back = (f"/applications/{case.pk}/" if kind == CaseKind.APPLICATION
            else f"/emergency/{case.pk}/")
    return render(request, "archive/case.html", {
        "case": case, "kind": kind, "kind_label": CaseKind(kind).label, "packages": packages,
        "back": back, "retention": retention_table(),
        "may_download": request.user.has_perm("archive.download")})


@login_required
@require_GET
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One package: what it holds (the manifest), its digests, retention and checks."""
    _require(request.user, "archive.view")
    package = _or_404(package_get, request.user, pk)
    from jiuzhu.catalogue.selectors import item_names

    return render(request, "archive/detail.html", {
        "package": package, "item_name": item_names().get(package.item_code, package.item_code), "files": [{**f, "when": (f.get("created_at") or "")[:16].replace("T", " ")}
                  for f in package.manifest.get("files", [])],
        "checks": checks_of(package), "today": timezone.localdate(),
        "may_download": request.user.has_perm("archive.download")})


@login_required
@require_POST
def package_check(request: HttpRequest, pk: int) -> HttpResponse:
    """校验: check the digests now (without downloading)."""
    _require(request.user, "archive.download")
    package = _or_404(package_get, request.user, pk)
    check = services.package_check(actor=request.user, package=package)
    if check.ok:
        messages.success(request, _("校验通过：档案包及其中 %(n)s 个文件的 SM3、SHA-256 摘要均与清单一致") % {
            "n": package.file_count})
    else:
        messages.error(request, _("校验未通过：%(problems)s") % {
            "problems": "；".join(check.problems[:5])})
    return redirect("archive:detail", pk=package.pk)


@login_required
@require_GET
def package_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The zip, after its digests and those of every file in it were checked; refused (409,
    the page shows what differs) when anything changed."""
    _require(request.user, "archive.download")
    package = _or_404(package_get, request.user, pk)
    try:
        content = services.package_download(actor=request.user, package=package)
    except ServiceError as error:
        if error.code == ErrorCode.FORBIDDEN:
            raise PermissionDenied(error.message) from None
        return render(request, "archive/refused.html", {
            "package": package, "message": error.message,
            "problems": [e["message"] for e in error.errors]}, status=error.status)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(services.download_name(package))}")
    return response
