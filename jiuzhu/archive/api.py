"""The archive API (routes with their full paths under /api/v1): the packages of the
user's region (paginated), one package with its manifest, and the download that re-checks
the digests (409 naming what differs when anything changed). 403 for a role without the
permission, 404 outside the user's region."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import services
from .choices import CaseKind, Closing, RecordClass
from .models import ArchivePackage
from .selectors import package_get, package_search

PAGE_SIZE = 50

# mounted at "" under /api/v1: give full paths
router = Router(tags=["电子档案"])


class PackageOut(Schema):
    id: int
    case_kind: str = Field(description="application | emergency")
    case_id: int
    case_number: str
    item_code: str
    version: int
    closing: str = Field(description="approved | refused | rejected | withdrawn | stopped | closed")
    household_number: str
    head_name: str
    region_code: str
    region_name: str
    record_class: str
    record_class_label: str
    closed_on: date
    retain_until: date
    files: int
    size: int
    sm3: str
    sha256: str
    built_at: datetime
    check_failed: bool


class PackageDetailOut(PackageOut):
    manifest: dict[str, Any]


class PackageListOut(Schema):
    count: int
    page: int
    pages: int
    items: list[PackageOut]


def package_to_dict(p: ArchivePackage) -> dict[str, Any]:
    return {
        "id": p.pk, "case_kind": p.case_kind, "case_id": p.case_id,
        "case_number": p.case_number, "item_code": p.item_code, "version": p.version,
        "closing": p.closing, "household_number": p.household.household_id,
        "head_name": p.household.head_name, "region_code": p.region.code,
        "region_name": p.region.name, "record_class": p.record_class,
        "record_class_label": p.get_record_class_display(), "closed_on": p.closed_on,
        "retain_until": p.retain_until, "files": p.file_count, "size": p.size, "sm3": p.sm3,
        "sha256": p.sha256, "built_at": p.built_at,
        "check_failed": bool(getattr(p, "failed_check", False)),
    }


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能查看电子档案")
                           if permission == "archive.view" else _("您的岗位不能下载电子档案"))


def _choice(name: str, value: str, allowed: list[str]) -> str:
    if value and value not in allowed:
        raise ServiceError(ErrorCode.VALIDATION, _("%(name)s 的取值不在允许范围内") % {"name": name},
                           [{"path": name, "message": _("取值不在允许范围内")}])
    return value


@router.get("/archive", response={200: PackageListOut, **refusals(403, 422)},
            summary="电子档案列表 Archive packages")
def list_packages(request, page: int = 1, q: str = "", township: str = "",
                  record_class: str = "", closing: str = "", kind: str = "",
                  year: int | None = None):
    """`{"count", "page", "pages", "items"}` of the user's region, newest closing first, 50 a
    page (`?page=`); filters `q` (case number, head of household or household number),
    `township` (code), `record_class`, `closing`, `kind`, `year` (of closing)."""
    _require(request.auth, "archive.view")
    _choice("record_class", record_class, RecordClass.values)
    _choice("closing", closing, Closing.values)
    _choice("kind", kind, CaseKind.values)
    if page < 1:
        raise ServiceError(ErrorCode.VALIDATION, _("页码应为正整数"),
                           [{"path": "page", "message": _("页码应为正整数")}])
    qs = package_search(request.auth, q=q, township=township, record_class=record_class,
                        closing=closing, kind=kind, year=year)
    paginator = Paginator(qs, PAGE_SIZE)
    rows = paginator.page(page).object_list if page <= paginator.num_pages else []
    return {"count": paginator.count, "page": page, "pages": paginator.num_pages,
            "items": [package_to_dict(p) for p in rows]}


@router.get("/archive/{int:package_id}", response={200: PackageDetailOut, **refusals(403, 404)},
            summary="电子档案 An archive package")
def get_package(request, package_id: int):
    """One package with its manifest (each file's path, SM3, SHA-256, who and when)."""
    _require(request.auth, "archive.view")
    package = package_get(request.auth, package_id)
    audit_read(request, package, what="archive", via="api")
    return {**package_to_dict(package), "manifest": package.manifest}


@router.get("/archive/{int:package_id}/download",
            response={200: None, **refusals(403, 404, 409)},
            summary="下载电子档案 Download (digests re-checked)")
def download_package(request, package_id: int):
    """The zip (`application/zip`) after the digests of the zip and of every file in it
    were checked against the manifest stored in the database; 409 `step_not_allowed`
    naming each difference when anything changed (the package is then marked 校验失败 and
    the refusal audited)."""
    _require(request.auth, "archive.view")
    package = package_get(request.auth, package_id)
    content = services.package_download(actor=request.auth, package=package)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(services.download_name(package))}")
    return response
