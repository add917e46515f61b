"""Importing a department's export file (部门数据导入) on a page instead of copying it into
the export folder: validate, preview the differences against the file in use, apply.

1. :func:`source_import_preview` reads the upload (CSV in UTF-8/GBK or .xlsx, the columns of
   the source's :class:`~.adapters.files.ExportFormat`) and checks every row: a missing
   column, a blank or malformed 身份证号, a cell that is not an amount or a vehicle type —
   each error names its row and column, and nothing is kept. A valid file is kept as a
   :class:`~.models.SourceImport` (``previewed``) with what differs per person from the
   file in use: new, changed, removed.
2. ``apply`` (the :data:`WORKFLOW` row) makes it the file the source is read from — all or
   nothing: the file is written beside the old one and swapped in when the transaction
   commits — and asks again every unfinished verification request that waits for that
   source (重新查询). ``discard`` leaves the file in use as it is. Both are audited
   (``import``), like the preview.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _invalid
from jiuzhu.core.excel import check_xlsx
from jiuzhu.core.workflow import Action, Workflow
from jiuzhu.core.workflow import Context as WorkflowContext
from jiuzhu.households.choices import VehicleKind
from jiuzhu.rules.validation import id_check_character

from .adapters import EXPORT_FORMATS, SOURCE_INFO, SourceUnavailable, export_dir, export_file
from .adapters.files import (
    ID_HEADER,
    _CellProblem,
    _csv_rows,
    _header,
    _money,
    _text,
    _vehicle_kind,
    _xlsx_rows,
)
from .choices import UNFINISHED, ImportStatus, ResponseStatus
from .models import SourceImport, SourceResponse, VerificationRequest

MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: Errors listed at most (the rest are counted).
MAX_ERRORS = 50
#: Differences kept for the preview at most (the counts cover them all).
MAX_CHANGES = 500
#: Columns read as amounts, and as a vehicle type.
MONEY_COLUMNS = frozenset({"评估价值", "建筑面积", "年工资收入", "年养老金", "月缴存基数",
                           "年缴存额", "存款余额", "证券市值"})
KIND_COLUMNS = frozenset({"车辆类型"})
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


@dataclass
class ReadFile:
    """A file read whole: the header, each person's rows and facts, and the errors."""

    headers: list[str] = field(default_factory=list)
    rows: int = 0
    people: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            where = (_("第 %(row)s 行") % {"row": row}) if row else _("表头")
            if column:
                where += _("“%(column)s”列") % {"column": column}
            self.errors.append({"path": "file", "row": row, "column": column,
                                "message": f"{where}：{message}"})


def _is_xlsx(data: bytes, name: str) -> bool:
    return name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"


def _lines(data: bytes, name: str) -> Iterator[list[Any]]:
    if _is_xlsx(data, name):
        return _xlsx_rows(data)
    return _csv_rows(data)[1]


def read_export(code: str, data: bytes, name: str) -> ReadFile:
    """Every row of ``data`` as the source ``code`` reads it, with every problem found
    (row numbers as a spreadsheet shows them: the header is row 1 when it is first)."""
    fmt = EXPORT_FORMATS[code]
    read = ReadFile()
    canonical: list[str] = []
    try:
        for number, line in enumerate(_lines(data, name), start=1):
            if not any(_text(cell) for cell in line):
                continue
            if not canonical:
                canonical = [_header(cell) for cell in line]
                read.headers = [_text(cell).lstrip("\ufeff") for cell in line]
                for column in (ID_HEADER, *fmt.required):
                    if column not in canonical:
                        read.error(None, column, _("缺少该列"))
                if read.error_count:
                    return read
                continue
            read.rows += 1
            row = {h: cell for h, cell in zip(canonical, line, strict=False) if h}
            _check_row(code, number, row, read)
    except SourceUnavailable as exc:
        read.error(None, "", str(exc))
        return read
    if not canonical:
        read.error(None, "", _("文件是空的（没有表头）"))
        return read
    for id_number, person_rows in read.people.items():
        try:
            read.facts[id_number] = fmt.facts([row for _n, row in person_rows])
        except _CellProblem as problem:  # the cells were checked one by one: a safety net
            read.error(person_rows[0][0], "", str(problem))
    return read


def _check_row(code: str, number: int, row: dict[str, Any], read: ReadFile) -> None:
    fmt = EXPORT_FORMATS[code]
    id_number = _text(row.get(ID_HEADER)).upper()
    ok = True
    if not id_number:
        read.error(number, ID_HEADER, _("不能为空"))
        ok = False
    elif not ID_PATTERN.match(id_number) or id_check_character(id_number[:17]) != id_number[17]:
        read.error(number, ID_HEADER, _("“%(value)s”不是有效的 18 位公民身份号码")
                   % {"value": id_number})
        ok = False
    for column in (*fmt.required, *fmt.optional):
        value = row.get(column)
        try:
            if column in MONEY_COLUMNS:
                _money(value)
            elif column in KIND_COLUMNS:
                _vehicle_kind(value)
            elif column in fmt.required and not _text(value):
                raise _CellProblem(_("不能为空"))
        except _CellProblem as problem:
            read.error(number, column, str(problem))
            ok = False
    if ok:
        row[ID_HEADER] = id_number
        read.people.setdefault(id_number, []).append((number, row))


# --- what differs ----------------------------------------------------------------------------


def _plain(facts: dict[str, Any] | None) -> Any:
    return json.loads(json.dumps(facts, cls=DjangoJSONEncoder)) if facts is not None else None


def _yuan(value: Any) -> str:
    return f"{Decimal(str(value)):,.2f}"


def describe(code: str, facts: dict[str, Any] | None) -> str:
    """One person's facts of a source in words (the preview's 原数据 / 新数据)."""
    if not facts:
        return "—"
    if code == "hukou":
        return f"{facts.get('name', '')}{'（死亡）' if not facts.get('alive', True) else ''}"
    if code == "vehicles":
        kinds = dict(VehicleKind.choices)
        return "；".join(f"{kinds.get(v['kind'], v['kind'])} {_yuan(v['value'])} 元"
                        f"{' ' + v['plate'] if v.get('plate') else ''}"
                        for v in facts.get("vehicles", [])) or "—"
    if code == "real_estate":
        homes = facts.get("homes", [])
        area = sum((Decimal(str(h["area_m2"])) for h in homes), Decimal(0))
        return f"{len(homes)} 处，{area:,.2f} ㎡"
    if code == "social_insurance":
        return f"工资 {_yuan(facts.get('wages', 0))} 元/年，养老金 {_yuan(facts.get('pension', 0))} 元/年"
    if code == "business":
        return "、".join(facts.get("enterprises", [])) or "无在营企业"
    if code == "housing_fund":
        return (f"年缴存 {_yuan(facts.get('contributions', 0))} 元"
                f"（推算工资 {_yuan(facts.get('implied_wages', 0))} 元/年）")
    if code == "deposits":
        return f"{_yuan(facts.get('financial_assets', 0))} 元"
    return json.dumps(_plain(facts), ensure_ascii=False)


def _mask(id_number: str) -> str:
    return f"{id_number[:6]}********{id_number[-4:]}" if len(id_number) == 18 else id_number


def _names(actor: Any, ids: set[str]) -> dict[str, dict[str, str]]:
    """Who the ID numbers are in the registry the actor sees: {id: {name, household_id}}."""
    from jiuzhu.households.models import Household, Member

    found: dict[str, dict[str, str]] = {}
    members = (Member.objects.filter(household__in=Household.objects.visible_to(actor),
                                     id_number__in=ids)
               .values_list("id_number", "name", "household__household_id"))
    for id_number, name, household_id in members:
        found[id_number.upper()] = {"name": name, "household_id": household_id}
    return found


def _differences(actor: Any, code: str, new: ReadFile, current: ReadFile | None
                 ) -> tuple[dict[str, int], list[dict[str, Any]]]:
    before = current.facts if current else {}
    counts = {"new": 0, "changed": 0, "removed": 0, "unchanged": 0}
    lines: list[tuple[str, str, Any, Any]] = []
    for id_number in sorted(set(before) | set(new.facts)):
        old, now = before.get(id_number), new.facts.get(id_number)
        if old is None:
            kind = "new"
        elif now is None:
            kind = "removed"
        elif _plain(old) != _plain(now):
            kind = "changed"
        else:
            counts["unchanged"] += 1
            continue
        counts[kind] += 1
        lines.append((kind, id_number, old, now))
    order = {"changed": 0, "removed": 1, "new": 2}
    lines.sort(key=lambda line: order[line[0]])
    lines = lines[:MAX_CHANGES]
    known = _names(actor, {line[1] for line in lines})
    file_names = {id_number: _text(rows[0][1].get("姓名")) for id_number, rows in
                  (new.people | (current.people if current else {})).items()}
    changes = [{
        "change": kind, "id_number": _mask(id_number),
        "name": known.get(id_number, {}).get("name") or file_names.get(id_number, ""),
        "household_id": known.get(id_number, {}).get("household_id", ""),
        "before": describe(code, old), "after": describe(code, now),
    } for kind, id_number, old, now in lines]
    return counts, changes


def _current(code: str) -> tuple[Path | None, ReadFile | None, str]:
    path = export_file(code)
    if path is None:
        return None, None, ""
    data = path.read_bytes()
    return path, read_export(code, data, path.name), hashlib.sha256(data).hexdigest()


# --- services ----------------------------------------------------------------------------------


def _require_importer(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) \
            or not actor.has_perm("verification.import_source"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能导入部门核对数据（需县级核对员）"))


@transaction.atomic
def source_import_preview(*, actor: Any, source: str, upload: UploadedFile) -> SourceImport:
    """Check ``upload`` as the export file of ``source`` and keep it with its differences
    from the file in use; refused (nothing kept) with every error by row and column."""
    _require_importer(actor)
    if source not in SOURCE_INFO:
        raise _invalid("source", _("请选择数据源"))
    size = upload.size or 0
    name = upload.name or ""
    if size == 0:
        raise _invalid("file", _("请选择要导入的文件（文件为空）"))
    if size > MAX_IMPORT_BYTES:
        raise _invalid("file", _("文件不能超过 %(mb)s MB") % {"mb": MAX_IMPORT_BYTES // 2**20})
    if not name.lower().endswith((".csv", ".xlsx")):
        raise _invalid("file", _("文件“%(name)s”不是 CSV 或 Excel（.xlsx）文件") % {"name": name})
    data = upload.read()
    if _is_xlsx(data, name):
        check_xlsx(io.BytesIO(data), field="file")  # a zip bomb: 422 before anything unpacks
    read = read_export(source, data, name)
    if read.error_count:
        more = read.error_count - len(read.errors)
        message = _("文件“%(name)s”有 %(n)s 处错误，未导入任何数据") % {"name": name, "n": read.error_count}
        if more > 0:
            message += _("（仅列出前 %(shown)s 处）") % {"shown": len(read.errors)}
        raise ServiceError(ErrorCode.VALIDATION, message, read.errors)
    if not read.rows:
        raise _invalid("file", _("文件“%(name)s”只有表头，没有数据行") % {"name": name})
    _path, current, base = _current(source)
    counts, changes = _differences(actor, source, read, current)
    digest = hashlib.sha256(data).hexdigest()
    imp = SourceImport(source=source, region_path=actor.region.path if actor.region_id else "",
                       uploaded_by=actor, file_name=name[:255], sha256=digest, rows=read.rows,
                       people=len(read.facts), changes=changes,
                       summary={**counts, "base_sha256": base,
                                "base_file": _path.name if _path else ""})
    imp.file.save(name, ContentFile(data), save=False)
    imp.save()
    audit_record(actor=actor, action="import", obj=imp, detail={
        "step": "preview", "source": source, "file": name, "sha256": digest, "rows": read.rows,
        "total": counts})
    return imp


def source_import_apply(*, actor: Any, imp: SourceImport) -> SourceImport:
    """Make a previewed file the source's export file (all or nothing) and ask again the
    requests that wait for the source. 409 if the file in use changed since the preview."""
    return WORKFLOW.perform(actor=actor, obj=imp, action="apply")


def source_import_discard(*, actor: Any, imp: SourceImport) -> SourceImport:
    return WORKFLOW.perform(actor=actor, obj=imp, action="discard")


def _apply(ctx: WorkflowContext) -> None:
    imp: SourceImport = ctx.obj
    _path, _read, base = _current(imp.source)
    if base != imp.summary.get("base_sha256", ""):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("预览之后该数据源的文件已被更换，请重新上传预览"))
    with imp.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != imp.sha256:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("上传的文件已损坏，请重新上传"))
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    extension = "xlsx" if imp.file.name.endswith(".xlsx") else "csv"
    final = folder / f"{imp.source}.{extension}"
    other = folder / f"{imp.source}.{'csv' if extension == 'xlsx' else 'xlsx'}"
    temporary = folder / f".{imp.source}.{uuid.uuid4().hex}.tmp"
    temporary.write_bytes(data)  # swapped in only if everything below commits

    def swap() -> None:
        os.replace(temporary, final)
        if other.exists():
            other.unlink()

    transaction.on_commit(swap)
    ctx.options["asked"] = _ask_again(ctx.actor, imp.source)
    imp.summary = {**imp.summary, "asked": len(ctx.options["asked"])}


def _ask_again(actor: Any, source: str) -> list[int]:
    """重新查询 of the unfinished requests (visible to the actor) waiting for ``source``."""
    from .services import verification_run_enqueue

    unanswered = (SourceResponse.objects.filter(source=source)
                  .exclude(status=ResponseStatus.OK).values("request"))
    waiting = (VerificationRequest.objects.visible_to(actor)
               .filter(status__in=UNFINISHED, pk__in=unanswered).order_by("pk")[:500])
    asked = []
    for request in waiting:
        try:
            verification_run_enqueue(actor=actor, request=request)
        except ServiceError:
            continue  # e.g. another run completed it meanwhile
        asked.append(request.pk)
    return asked


def _record(ctx: WorkflowContext) -> None:
    imp: SourceImport = ctx.obj
    imp.decided_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
    imp.decided_at = timezone.now()
    imp.save(update_fields=["decided_by", "decided_at"])
    detail: dict[str, Any] = {"step": ctx.action.name, "source": imp.source,
                              "file": imp.file_name, "sha256": imp.sha256, "rows": imp.rows}
    if ctx.action.name == "apply":
        detail["total"] = {k: imp.summary.get(k, 0) for k in ("new", "changed", "removed")}
        detail["sources"] = ctx.options.get("asked", [])
    audit_record(actor=ctx.actor, action="import", obj=imp, detail=detail)


WORKFLOW = Workflow(
    name="verification_import", model=SourceImport, states=ImportStatus.values,
    state_field="status", not_found="导入记录不存在",
    actions=[
        Action("apply", gettext_noop("确认导入"), source=(ImportStatus.PREVIEWED,), target=ImportStatus.APPLIED,
               permission="verification.import_source", handler=_apply),
        Action("discard", gettext_noop("放弃"), source=(ImportStatus.PREVIEWED,),
               target=ImportStatus.DISCARDED, permission="verification.import_source"),
    ],
    record=_record,
)
