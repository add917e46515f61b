"""Building an archive package when a case closes, and checking it at each download.

``package_build`` collects what the case holds — every version of every legal document
(PDF and Word, rendered on demand when still pending), every attachment, photo and drawn
signature, the step records, the case record and the assessment snapshot — writes
``manifest.json`` (each file's SM3 and SHA-256, who made it and when, who closed the case
and when), zips it, stores the zip read-only under ``MEDIA_ROOT/archive/<year>/`` and
creates the :class:`~.models.ArchivePackage` with the zip's digests, with an audit event,
once per closing event (a second build of the same event is refused).

``package_download`` re-reads the zip and checks its digests and those of every file in it
against the manifest kept in the database; any difference refuses the download with the
files named, records a failed :class:`~.models.ArchiveCheck` (the package shows 校验失败)
and an audit event ``denied``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_read, audit_record
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.digests import sm3_hex
from jiuzhu.core.errors import ErrorCode, ServiceError

from .choices import (
    RETENTION_YEARS,
    CaseKind,
    Closing,
    RecordClass,
    record_class_of,
)
from .models import ArchiveCheck, ArchivePackage

MANIFEST = "manifest.json"
#: what reading a damaged zip may raise
READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError,
               NotImplementedError)
FORMAT = "jiuzhu-archive/1"


# --- digests ------------------------------------------------------------------------------------

def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def retention_until(closed_on: date, record_class: str) -> date:
    """``closed_on`` plus the class's years (29 February → 28 February)."""
    years = RETENTION_YEARS[RecordClass(record_class)]
    try:
        return closed_on.replace(year=closed_on.year + years)
    except ValueError:
        return closed_on.replace(year=closed_on.year + years, day=28)


# --- what a case holds --------------------------------------------------------------------------

@dataclass
class Entry:
    """One file of the package before zipping."""

    path: str
    data: bytes
    kind: str
    title: str
    created_at: datetime | None = None
    created_by: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CaseFiles:
    kind: str
    case: Any
    number: str
    item_code: str
    household: Any
    region: Any
    region_path: str
    closed_on: date
    closed_by: str
    entries: list[Entry]


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True,
                      cls=DjangoJSONEncoder).encode("utf-8")


def _record(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every stored field of ``obj`` (a foreign key as its id), as JSON values."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = f.value_from_object(obj)
        if isinstance(f, models.FileField):
            value = value.name if value else ""
        out[f.attname] = value
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder))


def _read(file_field: Any) -> bytes | None:
    if not file_field:
        return None
    try:
        with file_field.storage.open(file_field.name, "rb") as handle:
            return bytes(handle.read())
    except (FileNotFoundError, OSError):
        return None


_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._")[:80] or "file"


def _who(user: Any, name: str = "") -> str:
    if user is not None:
        full = getattr(user, "full_name", "") or ""
        username = getattr(user, "username", "") or ""
        if full or username:
            return f"{full}（{username}）" if full and username else (full or username)
    return name or "系统"


def _documents(owner: models.Model) -> list[Entry]:
    """Every version of every document of the case, PDF and Word (rendered now if still
    pending); refused when a stored file no longer matches the SHA-256 recorded at issue."""
    from jiuzhu.documents.models import Document
    from jiuzhu.documents.services import document_ready

    entries = []
    for document in (Document.objects.for_owner(owner).select_related("issued_by")
                     .order_by("code", "version")):
        document = document_ready(document)
        for fmt, file_field, recorded in (("pdf", document.pdf, document.pdf_sha256),
                                          ("docx", document.docx, document.docx_sha256)):
            data = _read(file_field)
            if data is None or sha256_hex(data) != recorded:
                raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
                    "文书 %(number)s（%(format)s）的文件与出具时记录的摘要不符，不能归档，请联系系统管理员核查") % {
                        "number": document.number, "format": fmt.upper()})
            entries.append(Entry(
                path=f"documents/{document.code}-v{document.version}.{fmt}", data=data,
                kind="document", title=f"{document.title} {document.number}",
                created_at=document.issued_at,
                created_by=_who(document.issued_by, document.issued_by_name),
                extra={"code": document.code, "version": document.version,
                       "number": document.number, "format": fmt}))
    return entries


def _last_step(steps: Any, state: str) -> Any:
    return steps.filter(to_state=state).order_by("-at", "-id").first()


def _application_files(pk: int, closing: str) -> CaseFiles:
    from jiuzhu.applications.choices import State
    from jiuzhu.applications.models import Application, ApplicationStep, OriginalSeen

    application = (Application.objects.select_related("household", "region", "assessment",
                                                      "decided_by").filter(pk=pk).first())
    if application is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("案件不存在"))
    allowed = {Closing.APPROVED: (State.APPROVED, State.IN_PAYMENT, State.SUSPENDED,
                                  State.STOPPED),
               Closing.REFUSED: (State.REFUSED,), Closing.REJECTED: (State.REJECTED,),
               Closing.WITHDRAWN: (State.WITHDRAWN,), Closing.STOPPED: (State.STOPPED,)}
    if application.state not in allowed.get(Closing(closing), ()):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "案件 %(number)s 当前为“%(state)s”，尚未“%(closing)s”，不能归档") % {
                "number": application.number, "state": application.get_state_display(),
                "closing": Closing(closing).label})
    steps = ApplicationStep.objects.filter(application=application).select_related("actor")
    last = _last_step(steps, closing)
    if last is not None:
        closed_on, closed_by = timezone.localdate(last.at), _who(last.actor, last.actor_name)
    elif application.decided_at is not None and closing != Closing.STOPPED:
        closed_on = timezone.localdate(application.decided_at)
        closed_by = _who(application.decided_by)
    else:
        closed_on, closed_by = timezone.localdate(), "系统"
    household = application.household
    now = timezone.now()
    case = _record(application)
    case["household"] = {"id": household.pk, "household_id": household.household_id,
                         "head_name": household.head_name}
    case["region"] = {"code": application.region.code, "name": application.region.name}
    case["state_label"] = application.get_state_display()
    case["originals_seen"] = [_record(o) for o in OriginalSeen.objects.filter(
        application=application).order_by("seen_at", "id")]
    entries = [
        Entry("case.json", _json_bytes(case), "record", _("案件记录"), now, "系统"),
        Entry("steps.json", _json_bytes([
            {"action": s.action, "from": s.from_state, "to": s.to_state,
             "actor": _who(s.actor, s.actor_name), "at": s.at, "data": s.data}
            for s in steps.order_by("at", "id")]), "record", _("办理记录"), now, "系统"),
    ]
    assessment = application.assessment
    snapshot = ({"id": assessment.pk, "program": assessment.program,
                 "assessment_date": assessment.assessment_date,
                 "parameters_effective": assessment.parameters_effective,
                 "rules_version": assessment.rules_version, "input_hash": assessment.input_hash,
                 "input_snapshot": assessment.input_snapshot, "result": assessment.result,
                 "eligible": assessment.eligible, "created_at": assessment.created_at}
                if assessment is not None else None)
    entries.append(Entry("assessment.json", _json_bytes(snapshot), "record",
                         _("核算快照"), assessment.created_at if assessment else now, "系统"))
    entries += _documents(application)
    for attachment in application.attachments.select_related("uploaded_by").order_by("id"):
        data = _read(attachment.file)
        if data is None:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
                "附件“%(name)s”的文件不存在，不能归档") % {
                    "name": attachment.original_name or attachment.material})
        base = os.path.basename(attachment.original_name or attachment.file.name)
        entries.append(Entry(
            f"attachments/{attachment.pk}-{_safe(attachment.material or attachment.kind)}-{_safe(base)}",
            data, "attachment", attachment.material or attachment.get_kind_display(),
            attachment.uploaded_at, _who(attachment.uploaded_by),
            {"attachment_kind": attachment.kind, "content_type": attachment.content_type}))
    return CaseFiles(CaseKind.APPLICATION, application, application.number,
                     application.item_code, household, application.region,
                     application.region_path, closed_on, closed_by, entries)


def _emergency_files(pk: int, closing: str) -> CaseFiles:
    from jiuzhu.emergency.choices import CaseState
    from jiuzhu.emergency.models import CaseStep, EmergencyCase, FirstHelp

    case = (EmergencyCase.objects.select_related("household", "region", "opened_by")
            .filter(pk=pk).first())
    if case is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("急难个案不存在"))
    if case.state != CaseState.CLOSED or closing != Closing.CLOSED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "急难个案 %(number)s 当前为“%(state)s”，尚未办结，不能归档") % {
                "number": case.number, "state": case.get_state_display()})
    steps = CaseStep.objects.filter(case=case).select_related("actor")
    last = _last_step(steps, CaseState.CLOSED)
    closed_at = case.closed_at or (last.at if last else timezone.now())
    closed_by = _who(last.actor) if last is not None else "系统"
    now = timezone.now()
    record = _record(case)
    record["household"] = {"id": case.household.pk, "household_id": case.household.household_id,
                           "head_name": case.household.head_name}
    record["region"] = {"code": case.region.code, "name": case.region.name}
    record["state_label"] = case.get_state_display()
    record["referrals"] = [_record(r) for r in case.referrals.order_by("id")]
    helps = list(FirstHelp.objects.filter(case=case).order_by("id"))
    record["first_helps"] = [_record(h) for h in helps]
    entries = [
        Entry("case.json", _json_bytes(record), "record", _("个案记录"), now, "系统"),
        Entry("steps.json", _json_bytes([
            {"action": s.action, "from": s.from_state, "to": s.to_state,
             "actor": _who(s.actor), "at": s.at, "data": s.data}
            for s in steps.order_by("at", "id")]), "record", _("办理记录"), now, "系统"),
        Entry("assessment.json", _json_bytes([_record(a) for a in case.assessments.order_by(
            "assessed_at", "id")]), "record", _("急难评估快照"), now, "系统"),
    ]
    entries += _documents(case)
    for photo in case.photos.select_related("uploaded_by").order_by("id"):
        data = _read(photo.file)
        if data is None:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
                "现场照片“%(name)s”的文件不存在，不能归档") % {"name": photo.original_name})
        entries.append(Entry(
            f"photos/{photo.pk}-{_safe(os.path.basename(photo.original_name or photo.file.name))}",
            data, "photo", _("现场照片"), photo.uploaded_at, _who(photo.uploaded_by)))
    for help_ in helps:
        data = _read(help_.receipt_signature)
        if data is not None:
            entries.append(Entry(f"signatures/{help_.pk}-receipt.png", data, "signature",
                                 _("领取人签名"), help_.paid_at, help_.payee))
    return CaseFiles(CaseKind.EMERGENCY, case, case.number, "", case.household, case.region,
                     case.region_path, timezone.localdate(closed_at), closed_by, entries)


def case_files(kind: str, case_id: int, closing: str) -> CaseFiles:
    if kind == CaseKind.APPLICATION:
        return _application_files(case_id, closing)
    if kind == CaseKind.EMERGENCY:
        return _emergency_files(case_id, closing)
    raise ServiceError(ErrorCode.VALIDATION, _("案件类型不正确：%(kind)s") % {"kind": kind},
                       [{"path": "kind", "message": _("取值不在允许范围内")}])


# --- building -----------------------------------------------------------------------------------

def _zip(entries: list[Entry], manifest: dict[str, Any], when: datetime) -> bytes:
    stamp = timezone.localtime(when).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, _json_bytes(manifest)),
                           *[(e.path, e.data) for e in entries]]:
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _store(content: bytes, *, kind: str, case_id: int, closing: str, year: int) -> str:
    name = default_storage.save(
        f"archive/{year}/{kind}-{case_id}-{closing}-{uuid.uuid4().hex}.zip",
        ContentFile(content))
    with contextlib.suppress(NotImplementedError, OSError):
        os.chmod(default_storage.path(name), 0o444)  # read-only on disk
    return name


def package_build(*, kind: str, case_id: int, closing: str, actor: Any = SYSTEM) -> ArchivePackage:
    """Build and store the package of one closing event of a case (see the module). 404 for
    a case that does not exist, 409 for a case not
    closed that way, or an event already archived (a second build is refused)."""
    closing = str(closing)
    if closing not in Closing.values:
        raise ServiceError(ErrorCode.VALIDATION, _("办结事由不正确：%(closing)s") % {
            "closing": closing}, [{"path": "closing", "message": _("取值不在允许范围内")}])
    existing = ArchivePackage.objects.for_case(kind, case_id).filter(closing=closing).first()
    if existing is not None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "案件 %(number)s 的这次办结（%(closing)s）已经归档（第 %(version)s 版），不能重复归档") % {
                "number": existing.case_number, "closing": Closing(closing).label,
                "version": existing.version})
    files = case_files(kind, case_id, closing)
    record_class = record_class_of(kind, files.item_code, closing)
    retain_until = retention_until(files.closed_on, record_class)
    built_at = timezone.now()
    version = (ArchivePackage.objects.for_case(kind, case_id)
               .aggregate(v=Max("version"))["v"] or 0) + 1
    manifest = {
        "format": FORMAT,
        "case": {"kind": kind, "kind_label": str(CaseKind(kind).label), "id": case_id,
                 "number": files.number, "item_code": files.item_code,
                 "household": {"id": files.household.pk,
                               "household_id": files.household.household_id,
                               "head_name": files.household.head_name},
                 "region": {"code": files.region.code, "name": files.region.name}},
        "closing": closing, "closing_label": str(Closing(closing).label),
        "closed_on": files.closed_on.isoformat(), "closed_by": files.closed_by,
        "record_class": record_class, "record_class_label": str(RecordClass(record_class).label),
        "retention_years": RETENTION_YEARS[record_class],
        "retain_until": retain_until.isoformat(),
        "version": version,
        "built_at": timezone.localtime(built_at).isoformat(), "built_by": _who(
            actor if getattr(actor, "pk", None) else None),
        "digests": ["sm3", "sha256"],
        "files": [{"path": e.path, "kind": e.kind, "title": str(e.title), "size": len(e.data),
                   "sm3": sm3_hex(e.data), "sha256": sha256_hex(e.data),
                   "created_at": timezone.localtime(e.created_at).isoformat()
                   if e.created_at else "", "created_by": e.created_by, **e.extra}
                  for e in files.entries],
    }
    manifest = json.loads(_json_bytes(manifest))
    content = _zip(files.entries, manifest, built_at)
    name = _store(content, kind=kind, case_id=case_id, closing=closing,
                  year=timezone.localtime(built_at).year)
    try:
        with transaction.atomic():
            package = ArchivePackage.objects.create(
                case_kind=kind, case_id=case_id, case_number=files.number,
                item_code=files.item_code, closing=closing, version=version,
                household=files.household, region=files.region, region_path=files.region_path,
                record_class=record_class, closed_on=files.closed_on,
                closed_by_name=files.closed_by, retain_until=retain_until, file=name,
                size=len(content), manifest=manifest, sha256=sha256_hex(content),
                sm3=sm3_hex(content), built_at=built_at,
                built_by=actor if getattr(actor, "pk", None) else None,
                built_by_name=getattr(actor, "username", "") or "system")
            audit_record(actor=actor, action="create", obj=package,
                         detail={"case": files.number, "closing": closing, "version": version,
                                 "files": len(files.entries), "sha256": package.sha256,
                                 "sm3": package.sm3})
    except IntegrityError:
        _remove(name)
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "案件 %(number)s 的这次办结（%(closing)s）已经归档，不能重复归档") % {
                "number": files.number, "closing": Closing(closing).label}) from None
    return package


def _remove(name: str) -> None:
    with contextlib.suppress(NotImplementedError, OSError):
        os.chmod(default_storage.path(name), 0o644)
    default_storage.delete(name)


def package_build_missing(*, kind: str, case_id: int, closing: str,
                          actor: Any = SYSTEM) -> ArchivePackage | None:
    """``package_build`` unless that closing event is archived already (the task and the
    command): the new package, or ``None``."""
    if ArchivePackage.objects.for_case(kind, case_id).filter(closing=closing).exists():
        return None
    try:
        return package_build(kind=kind, case_id=case_id, closing=closing, actor=actor)
    except ServiceError as error:
        if ArchivePackage.objects.for_case(kind, case_id).filter(closing=closing).exists():
            return None  # built meanwhile by another worker
        raise error


# --- checking -----------------------------------------------------------------------------------

def package_problems(package: ArchivePackage) -> tuple[bytes | None, list[str]]:
    """Read the stored zip and compare it with what the database recorded: the zip's SM3
    and SHA-256, ``manifest.json`` and every listed file's size, SM3 and SHA-256, nothing
    missing and nothing added. ``(content, problems)``; no problems means intact."""
    problems: list[str] = []
    content = _read(package.file)
    if content is None:
        return None, [_("档案包文件不存在")]
    if sha256_hex(content) != package.sha256:
        problems.append(_("档案包的 SHA-256 摘要与归档时记录的不符"))
    if sm3_hex(content) != package.sm3:
        problems.append(_("档案包的 SM3 摘要与归档时记录的不符"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            listed = {f["path"]: f for f in package.manifest.get("files", [])}
            try:
                inside = json.loads(archive.read(MANIFEST))
            except (KeyError, *READ_ERRORS):
                inside = None
            if inside != package.manifest:
                problems.append(_("档案包内的清单（manifest.json）与数据库中的清单不符"))
            for path, expected in listed.items():
                if path not in names:
                    problems.append(_("缺少文件 %(path)s") % {"path": path})
                    continue
                try:
                    data = archive.read(path)
                except READ_ERRORS:
                    problems.append(_("文件 %(path)s 已损坏，无法读取") % {"path": path})
                    continue
                if sm3_hex(data) != expected["sm3"]:
                    problems.append(_("文件 %(path)s 的 SM3 摘要与清单不符") % {"path": path})
                if sha256_hex(data) != expected["sha256"]:
                    problems.append(_("文件 %(path)s 的 SHA-256 摘要与清单不符") % {"path": path})
            for extra in sorted(names - set(listed) - {MANIFEST}):
                problems.append(_("多出清单之外的文件 %(path)s") % {"path": extra})
    except READ_ERRORS:
        problems.append(_("档案包已损坏，无法打开"))
    return content, problems


def package_check(*, actor: Any, package: ArchivePackage) -> ArchiveCheck:
    """Check the package's digests now and keep the result (an ``ArchiveCheck``); a failure
    is audited as ``denied`` with the problems."""
    _content, problems = package_problems(package)
    return _record_check(actor, package, problems)


def _record_check(actor: Any, package: ArchivePackage, problems: list[str]) -> ArchiveCheck:
    with transaction.atomic():
        check = ArchiveCheck.objects.create(
            package=package, checked_at=timezone.now(),
            checked_by=actor if getattr(actor, "pk", None) else None,
            checked_by_name=getattr(actor, "username", "") or "system",
            ok=not problems, problems=problems)
        if problems:
            audit_record(actor=actor, action="denied", obj=package,
                         detail={"reason": "archive_check_failed", "case": package.case_number,
                                 "version": package.version, "problems": problems[:20]})
    return check


def package_download(*, actor: Any, package: ArchivePackage) -> bytes:
    """The zip's bytes after the digests were checked (an ``ArchiveCheck`` kept either way,
    a download audited); a difference refuses the download (409) naming what differs."""
    if not actor.has_perm("archive.download"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能下载电子档案"))
    content, problems = package_problems(package)
    _record_check(actor, package, problems)
    if problems or content is None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "电子档案 %(number)s 第 %(version)s 版校验未通过，已拒绝下载：%(problems)s。"
            "档案可能已被改动，请联系系统管理员核查。") % {
                "number": package.case_number, "version": package.version,
                "problems": "；".join(problems[:5])},
            [{"path": "file", "message": p} for p in problems[:20]])
    audit_read(actor, package, "download", what="archive", case=package.case_number,
               version=package.version, sha256=package.sha256)
    return content


def download_name(package: ArchivePackage) -> str:
    return f"{package.case_number}-v{package.version}.zip"
