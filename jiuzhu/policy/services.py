"""Entering, importing, exporting and re-assessing with the parameters a county enters
(县级政策参数录入). The workflow (submit, approve, return) is ``workflow.py``; the checks of a
value are the engine's own (``rules.parameters.validate_set``: those of loading a file and
of compiling it), so a page refuses exactly what a file would."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region
from jiuzhu.rules import parameters

from .choices import DraftSource, DraftState
from .labels import label_of
from .models import ParameterSetDraft

MAX_IMPORT_BYTES = 2 * 1024 * 1024
_FILE = re.compile(r"^(?:.*/)?([0-9]{6})/([a-z0-9_]+)\.yaml$")


# --- values as JSON ---------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A parameter value as JSON: decimals as their text (exact), ints, text, lists, maps."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def value_of(county: str, name: str, when: date, stored: Any) -> Any:
    """A stored (plain) value read back as the files read it."""
    return parameters.normalise(parameters.template_of(county, name, when), stored)


def in_force(county: str, when: date) -> dict[str, Any]:
    """Every parameter's value in force on ``when`` (or its first value before that)."""
    return {name: parameters.template_of(county, name, when)
            for name in parameters.county_parameters(county)}


# --- messages ---------------------------------------------------------------------------


def problem_message(problem: parameters.Problem) -> str:
    """A problem of the engine's checks in Chinese, naming the parameter and the field."""
    what = _("%(label)s（%(field)s）") % {"label": _(label_of(problem.name)), "field": problem.field}
    kind = problem.kind
    if kind == "unknown_parameter":
        return _("%(what)s：本县没有这个参数") % {"what": what}
    if kind == "missing":
        return _("%(what)s：缺少这一项") % {"what": what}
    if kind == "unknown_key":
        return _("%(what)s：没有这一项") % {"what": what}
    if kind == "shape":
        if problem.detail:
            return _("%(what)s：应为 %(n)s 个数，用逗号分开") % {"what": what, "n": problem.detail}
        return _("%(what)s：格式与现行参数不同") % {"what": what}
    if kind == "not_number":
        return _("%(what)s：请填写数字") % {"what": what}
    if kind == "negative":
        return _("%(what)s：不能为负数") % {"what": what}
    if kind == "not_text":
        return _("%(what)s：请填写") % {"what": what}
    if kind == "not_date":
        return _("%(what)s：生效日期应为 YYYY-MM-DD") % {"what": what}
    return _("%(what)s：不能用于核算（%(detail)s）") % {"what": what, "detail": problem.detail}


def _refuse(errors: list[dict[str, str]], message: str) -> None:
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, message, errors)


# --- a county and its sets --------------------------------------------------------------


def counties_for(user: Any) -> list[Region]:
    """The counties with parameter files that ``user`` may see (their own, or those under
    their city or province)."""
    codes = parameters.counties()
    return list(Region.objects.visible_to(user).filter(level="county", code__in=codes)
                .order_by("code"))


def county_region(user: Any, code: str) -> Region:
    found = next((r for r in counties_for(user) if r.code == code), None)
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("县级区划不存在"))
    return found


def drafts_visible_to(user: Any) -> Any:
    return ParameterSetDraft.objects.visible_to(user).select_related(
        "region", "entered_by", "decided_by", "reassessment")


def draft_get(*, user: Any, pk: int) -> ParameterSetDraft:
    draft = drafts_visible_to(user).filter(pk=pk).first()
    if draft is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("参数调整不存在"))
    return draft


@dataclass
class Checked:
    """Values entered for a date, checked: the ones that change something, as plain JSON,
    and what was in force before them."""

    values: dict[str, Any]
    base: dict[str, Any]


def check_values(county: str, effective_on: date, proposed: dict[str, Any]) -> Checked:
    """``proposed`` (name → value, numbers as typed) checked by the engine's rules: 422
    naming each parameter field, or the values that differ from those in force."""
    dates = parameters.effective_dates(county)
    if effective_on < dates[0]:
        message = _("生效日期不能早于本县最早的参数日期 %(first)s") % {"first": dates[0].isoformat()}
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "effective_on", "message": message}])
    problems = parameters.validate_set(county, {n: {effective_on: v} for n, v in proposed.items()})
    errors = [{"path": p.field, "message": problem_message(p)} for p in problems]
    _refuse(errors, errors[0]["message"] if errors else "")
    values, base = {}, {}
    for name, raw in proposed.items():
        template = parameters.template_of(county, name, effective_on)
        value = parameters.normalise(template, raw)
        if value != template:
            values[name], base[name] = plain(value), plain(template)
    if not values:
        message = _("与现行参数相同，没有修改任何参数")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "", "message": message}])
    return Checked(values=values, base=base)


def draft_save(*, actor: Any, county: Region, effective_on: date | None, reference: str,
               proposed: dict[str, Any], note: str = "", draft: ParameterSetDraft | None = None,
               source: str = DraftSource.FORM) -> ParameterSetDraft:
    """Enter a new set (or change a draft or returned one): checked like a file, only the
    values that change something kept, with the legal reference. Audited."""
    require(actor, county.path, "policy.enter", what=_("县级区划"))
    errors = []
    if effective_on is None:
        errors.append({"path": "effective_on", "message": _("请填写生效日期")})
    if not (reference or "").strip():
        errors.append({"path": "reference", "message": _("请填写文件名称及文号（政策依据）")})
    elif len(reference.strip()) > 200:
        errors.append({"path": "reference", "message": _("文件名称及文号不能超过 200 字")})
    _refuse(errors, _("参数调整有误，请按提示修改"))
    assert effective_on is not None
    checked = check_values(county.code, effective_on, proposed)
    with transaction.atomic():
        if draft is None:
            draft = ParameterSetDraft(region=county, region_path=county.path, entered_by=actor
                                      if getattr(actor, "pk", None) else None, source=source)
            action = "create"
        else:
            draft = ParameterSetDraft.objects.visible_to(actor).select_for_update().get(pk=draft.pk)
            if draft.state not in (DraftState.DRAFT, DraftState.RETURNED):
                raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("已提交或已批准的参数调整不能修改"))
            action = "update"
        draft.effective_on, draft.reference = effective_on, reference.strip()
        draft.note, draft.values, draft.base = note.strip(), checked.values, checked.base
        draft.save()
        audit_record(actor=actor, action=action, obj=draft, detail={
            "parameter_set": draft.pk, "date": effective_on.isoformat(),
            "names": ",".join(sorted(checked.values)), "reference": draft.reference})
    return draft


# --- YAML files (export and import) -----------------------------------------------------


def zip_files(files: dict[str, bytes]) -> bytes:
    """The files in a zip whose bytes depend on nothing but the files (fixed times)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def export_zip(*, actor: Any, county: Region, draft: ParameterSetDraft | None = None) -> bytes:
    """The county's parameter files as in force (every approved set merged), or — for one
    set — the files of the parameters it changes with its values added. Audited."""
    require(actor, county.path, "policy.view", what=_("县级区划"))
    if draft is None:
        files = parameters.export_files(county.code)
    else:
        extra = {name: {draft.effective_on: (value_of(county.code, name, draft.effective_on, v),
                                              draft.reference)}
                 for name, v in draft.values.items()}
        everything = parameters.export_files(county.code, extra=extra)
        files = {k: v for k, v in everything.items()
                 if k.rsplit("/", 1)[-1][:-5] in draft.values}
    with transaction.atomic():
        audit_record(actor=actor, action="export", obj=draft, region_path=county.path, detail={
            "format": "yaml", "parameter_set": draft.pk if draft else None,
            "count": len(files)})
    return zip_files(files)


def _read_zip(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()
                    if not info.is_dir() and info.file_size <= MAX_IMPORT_BYTES}
    except (zipfile.BadZipFile, ValueError):
        message = _("不是 zip 文件：请上传“导出 YAML”得到的 zip（<县代码>/<参数名>.yaml）")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "file", "message": message}]) from None


def import_zip(*, actor: Any, data: bytes, note: str = "") -> ParameterSetDraft:
    """A zip of ``<county>/<name>.yaml`` files (today's format) as a new draft: the values
    that differ from those in force, which must all take effect on one date. Every problem
    names its file and key; nothing is written unless all is well."""
    if len(data) > MAX_IMPORT_BYTES:
        message = _("文件不能超过 2 MB")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "file", "message": message}])
    files = _read_zip(data)
    errors: list[dict[str, str]] = []
    parsed: dict[str, tuple[str, parameters.Parameter]] = {}
    county_codes = set()
    for filename in sorted(files):
        match = _FILE.match(filename)
        if match is None:
            errors.append({"path": filename, "message": _(
                "%(file)s：文件应为 <县代码>/<参数名>.yaml") % {"file": filename}})
            continue
        code, name = match.groups()
        county_codes.add(code)
        try:
            parsed[name] = (filename, parameters.parse_parameter_text(
                name, files[filename], filename))
        except parameters.ParameterFileError as error:
            errors.append({"path": filename, "message": _("%(file)s：%(error)s") % {
                "file": filename, "error": str(error).removeprefix(f"{filename}: ")}})
    if not files:
        errors.append({"path": "file", "message": _("zip 中没有参数文件")})
    if len(county_codes) > 1:
        errors.append({"path": "file", "message": _("一次只能导入一个县的参数")})
    _refuse(errors, errors[0]["message"] if errors else "")
    county = county_region(actor, county_codes.pop())
    known = parameters.county_parameters(county.code)
    changes: dict[str, dict[date, Any]] = {}
    references: dict[date, str] = {}
    for name, (filename, parameter) in sorted(parsed.items()):
        if name not in known:
            errors.append({"path": filename, "message": _(
                "%(file)s：本县没有参数 %(name)s") % {"file": filename, "name": name}})
            continue
        current = dict(known[name].values)
        for when, value in parameter.values:
            if when not in current or value != current[when]:
                changes.setdefault(name, {})[when] = value
                references.setdefault(when, parameter.reference_at(when))
    dates = sorted({when for dated in changes.values() for when in dated})
    if len(dates) > 1:
        for name, dated in sorted(changes.items()):
            for when in sorted(dated):
                if when != dates[-1]:
                    errors.append({"path": f"{parsed[name][0]} values.{when.isoformat()}", "message": _(
                        "%(file)s values.%(date)s：一次导入只能有一个新的生效日期（%(dates)s）") % {
                        "file": parsed[name][0], "date": when.isoformat(),
                        "dates": "、".join(d.isoformat() for d in dates)}})
    _refuse(errors, errors[0]["message"] if errors else "")
    if not dates:
        message = _("与现行参数相同，没有需要导入的变化")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "file", "message": message}])
    effective_on = dates[0]
    proposed = {name: dated[effective_on] for name, dated in changes.items()}
    problems = parameters.validate_set(county.code, {n: {effective_on: v} for n, v in proposed.items()})
    for problem in problems:
        filename = parsed[problem.name][0] if problem.name in parsed else problem.name
        key = f"values.{effective_on.isoformat()}" + (f".{problem.key}" if problem.key else "")
        errors.append({"path": f"{filename} {key}", "message": _("%(file)s %(key)s：%(message)s") % {
            "file": filename, "key": key, "message": problem_message(problem)}})
    _refuse(errors, errors[0]["message"] if errors else "")
    reference = references.get(effective_on) or _("导入的参数文件")
    return draft_save(actor=actor, county=county, effective_on=effective_on, reference=reference,
                      proposed=proposed, note=note, source=DraftSource.IMPORT)


# --- re-assessment ----------------------------------------------------------------------


def reassessment_date(draft: ParameterSetDraft, today: date | None = None) -> date:
    """The date a re-assessment from an approved set assesses on: its effective date when
    that is still to come, else today."""
    today = today or timezone.localdate()
    return max(today, draft.effective_on)


def reassess(*, actor: Any, draft: ParameterSetDraft) -> Any:
    """按新参数重新核算: the county's batch re-assessment (``assessments``) on the set's
    effective date (or today), linked to the set. Audited; the run is queued after commit."""
    from jiuzhu.assessments.services import batch_create
    from jiuzhu.assessments.tasks import batch_run_task

    require(actor, draft.region_path, "policy.reassess", what=_("参数调整"))
    if draft.state != DraftState.APPROVED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("参数调整批准后才能按新参数重新核算"))
    with transaction.atomic():
        draft = ParameterSetDraft.objects.visible_to(actor).select_for_update().get(pk=draft.pk)
        run = batch_create(actor=actor, region=draft.region, on=reassessment_date(draft))
        draft.reassessment = run
        draft.save(update_fields=["reassessment"])
        audit_record(actor=actor, action="assess", obj=draft, detail={
            "parameter_set": draft.pk, "batch": run.pk, "date": run.assessment_date.isoformat()})
        transaction.on_commit(lambda: batch_run_task.enqueue(run_id=run.pk))
    return run
