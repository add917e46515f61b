"""Excel import and export of households (数据交换).

An import is all or nothing: the whole file is read and every household validated first,
with the same ``household_validate`` the registry form uses, plus the duplicates only the
file can show; only a file without a single error is written. The write never holds the
database for long: households and their rows are inserted in bulk, ``WRITE_CHUNK`` at a
time, each chunk its own short transaction, marked as staged by the job (``staged_by``:
invisible to every query, see ``jiuzhu/households/managers.py``); then one short
transaction checks that no ID number was registered meanwhile and publishes them all,
with the import's one audit event. A refusal, an error or a dead worker (the stale-run
sweep) discards the staged rows.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core import crypto
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.fields import FenField
from jiuzhu.core.masking import mask_id_number, mask_phone
from jiuzhu.households.choices import HouseholdStatus
from jiuzhu.households.models import Household, Member, Supporter, Vehicle
from jiuzhu.households.serializers import (
    household_fields,
    household_to_dict,
    member_fields,
    supporter_fields,
)
from jiuzhu.households.services import (
    household_number,
    household_regions_permitted,
    household_validate,
    location_path,
)
from jiuzhu.regions.models import Region

from . import progress
from .choices import ImportStatus
from .layout import SHEETS
from .models import ImportJob
from .reader import (
    ParsedHousehold,
    ParsedWorkbook,
    RowError,
    UnreadableWorkbook,
    upload_problem,
    workbook_read,
)
from .writer import WriteCounts, workbook_write

logger = logging.getLogger(__name__)

#: Households between two progress updates of a running import.
PROGRESS_EVERY = 200
#: Errors kept in a job's report (the count is always complete).
MAX_REPORTED_ERRORS = 10_000
#: Households written (staged) per transaction of an import's write: short enough that
#: other writers wait well under a second for SQLite's write lock.
WRITE_CHUNK = 500
#: Households validated per task of a forked process (:func:`_processes`).
VALIDATE_CHUNK = 1000
#: Files of fewer households are validated and prepared in the importing process alone.
PARALLEL_FROM = 1000
#: Seconds the importing process leaves SQLite's write lock free after each chunk when the
#: chunks are prepared by forked processes (else preparing the next chunk is the pause).
SQLITE_GAP = 0.05
#: Rows per INSERT statement of an import's write (fewer when the table has many columns).
INSERT_BATCH = 1000
#: Households checked against the registry per query while validating.
TAKEN_CHUNK = 400
#: The PostgreSQL advisory lock two publishing imports take in turn ("JZIP"): each checks
#: the other's freshly published ID numbers (SQLite's write transactions are one at a time).
PUBLISH_LOCK_KEY = 0x4A5A4950
#: Households fetched (with their members, supporters, vehicles) per batch of an export.
EXPORT_CHUNK = 1000


# --- import -------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor: Any, upload: UploadedFile) -> ImportJob:
    """Store an uploaded workbook as an import job and queue its processing."""
    if not actor.has_perm("households.import_household"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权导入家庭数据"))
    problem = upload_problem(upload, upload.size or 0, settings.IMPORT_MAX_BYTES)
    if problem:
        raise ServiceError(ErrorCode.BAD_REQUEST, problem, [{"path": "file", "message": problem}])
    job = ImportJob(created_by=actor, region=actor.region, original_name=(upload.name or "")[:255],
                    size=upload.size or 0)
    job.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import import_job_process

    import_job_process.enqueue(job_id=job_id)


def import_job_run(*, job_id: int) -> ImportJob:
    """Process a queued import job: read, validate everything, then write or report.

    A job is processed once: a second run of the same job (a retried task) does nothing.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, started_at=now, heartbeat_at=now)
    job = ImportJob.objects.select_related("created_by__region", "region").get(pk=job_id)
    if not claimed:
        return job
    try:
        _run(job)
    except Exception:
        logger.exception("import job %s failed", job_id)
        _finish_failed(job, [RowError("", None, "", "导入时发生系统错误，未写入任何数据；请联系管理员")],
                       {})
    finally:
        progress.written_clear(job_id)
    job.refresh_from_db()
    return job


def _run(job: ImportJob) -> None:
    actor = job.created_by
    if actor is None or not actor.is_active or not actor.has_perm("households.import_household"):
        _finish_failed(job, [RowError("", None, "", "导入人账号已停用或无导入权限")], {})
        return
    started = time.monotonic()
    try:
        with job.file.open("rb") as source:
            parsed = workbook_read(source)
    except UnreadableWorkbook as exc:
        _finish_failed(job, [RowError("", None, "", str(exc))], {})
        return
    parsed_at = time.monotonic()
    summary: dict[str, Any] = {"households": len(parsed.households), "members": parsed.members,
                               "supporters": parsed.supporters, "vehicles": parsed.vehicles,
                               "seconds_parse": round(parsed_at - started, 3)}
    job.total_rows = len(parsed.households)
    job.save(update_fields=["total_rows"])

    regions = _regions_of(parsed)
    processes = _processes(len(parsed.households))
    errors = _validate(job, parsed, actor, regions, processes)
    validated_at = time.monotonic()
    summary["seconds_validate"] = round(validated_at - parsed_at, 3)
    if errors:
        _finish_failed(job, errors, summary)
        return

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING,
                                               processed_rows=job.total_rows,
                                               heartbeat_at=timezone.now())
    progress.written_set(job.pk, 0)  # the write beats in this file
    try:
        _write(job, parsed, actor, summary, validated_at, regions, processes)
    except _WriteRefused as refused:
        summary["seconds_write"] = round(time.monotonic() - validated_at, 3)
        _finish_failed(job, refused.errors, summary)


def _validate(job: ImportJob, parsed: ParsedWorkbook, actor: Any,
              regions: dict[str, Region | None], processes: int) -> list[RowError]:
    errors = list(parsed.errors)
    if not parsed.households and not errors:
        errors.append(RowError(SHEETS[0].name, None, "", "文件中没有家庭数据"))
    # A cell that could not be read is reported once, not again as the missing field
    # validation then finds in its place.
    unreadable = {(e.sheet, e.row, e.column) for e in parsed.errors}
    permitted = household_regions_permitted(actor, regions.values())
    households = parsed.households
    step = PROGRESS_EVERY if processes < 2 else VALIDATE_CHUNK
    starts = range(0, len(households), step)

    def check(start: int) -> tuple[list[RowError], list[bool]]:
        """The errors of ``step`` households from ``start``, and which are valid (in the
        forked processes too: nothing here reads the database)."""
        found: list[RowError] = []
        valid: list[bool] = []
        for household in households[start:start + step]:
            try:
                household_validate(actor=actor, data=registry_data(household), regions=regions,
                                   registry_checks=False, permitted=permitted)
                valid.append(True)
            except ServiceError as exc:
                valid.append(False)
                found.extend(e for e in _located(household, exc)
                             if (e.sheet, e.row, e.column) not in unreadable)
        return found, valid

    checked = map(check, starts) if processes < 2 else _forked(check, starts, processes)
    valid: list[ParsedHousehold] = []
    for start, (found, ok) in zip(starts, checked, strict=True):
        errors += found
        valid += [h for h, good in zip(households[start:start + step], ok, strict=True) if good]
        # against the registry, TAKEN_CHUNK valid households a few queries, while the
        # forked processes validate the next households
        while len(valid) >= TAKEN_CHUNK:
            errors += _taken(valid[:TAKEN_CHUNK])
            del valid[:TAKEN_CHUNK]
        done = start + len(ok)
        if done % step == 0 or processes > 1:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done,
                                                       heartbeat_at=timezone.now())
    if valid:
        errors += _taken(valid)
    return _in_order(errors)


def _processes(households: int) -> int:
    """How many forked processes validate and prepare an import of ``households``: 1 (all
    in this process) for a file of one chunk, without ``fork``, or on one core."""
    configured = getattr(settings, "JIUZHU_IMPORT_PROCESSES", None)
    wanted = int(configured) if configured is not None else min(os.cpu_count() or 1, 4)
    if wanted < 2 or households < PARALLEL_FROM \
            or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return wanted


#: What the forked processes of :func:`_forked` run (set before they are forked).
_forked_work: Callable[[Any], Any] | None = None


def _forked_call(item: Any) -> Any:
    assert _forked_work is not None
    return _forked_work(item)


def _forked(work: Callable[[Any], Any], items: Iterable[Any], processes: int) -> Iterator[Any]:
    """``work(item)`` for each item, in order, computed by ``processes`` forked processes
    (only the item goes to them, the result comes back pickled; ``work`` and what it reads
    are the parent's, copied by the fork); at most two items per process are ahead of the
    caller. ``work`` must not touch the database (the children share the parent's
    connections). A child that dies fails the iteration (BrokenProcessPool)."""
    global _forked_work
    _forked_work = work
    gc.freeze()  # the children's garbage collector leaves the parent's objects uncopied
    executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
    try:
        pending: deque[Any] = deque()
        ahead = iter(items)
        for item in islice(ahead, 2 * processes):  # the first forks every process
            pending.append(executor.submit(_forked_call, item))
        gc.unfreeze()
        while pending:
            result = pending.popleft().result()
            for item in islice(ahead, 1):
                pending.append(executor.submit(_forked_call, item))
            yield result
    finally:
        gc.unfreeze()
        executor.shutdown(wait=True, cancel_futures=True)
        _forked_work = None


def _regions_of(parsed: ParsedWorkbook) -> dict[str, Region | None]:
    """The regions the file names, by code (None for a code no region has), in one query:
    validation and preparation look them up here."""
    codes = [c for c in {h.data.get("region_code") for h in parsed.households}
             if isinstance(c, str)]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return {code: found.get(code) for code in codes}


def _taken(chunk: list[ParsedHousehold]) -> list[RowError]:
    """The cells of ``chunk`` the registry already holds: household numbers used, ID numbers
    registered in an active household (staged rows of imports count as taken numbers)."""
    errors: list[RowError] = []
    numbers = {h.data["household_id"]: h for h in chunk
               if not str(h.household_id).startswith(NEW_HOUSEHOLD_PREFIX)}
    for taken in Household.all_objects.filter(household_id__in=list(numbers)).values_list(
            "household_id", flat=True):
        errors.append(numbers[taken].locate("household_id", "家庭编号已被使用"))
    return errors + _registered_elsewhere(
        {crypto.normalise(m["id_number"]): (h, i)
         for h in chunk for i, m in enumerate(h.data["members"])})


def _registered_elsewhere(located: dict[str, tuple[ParsedHousehold, int]]) -> list[RowError]:
    """The member cells (ID number → household and member position) whose ID number an
    active household of the registry holds, looked up 500 at a time by value."""
    errors: list[RowError] = []
    numbers = list(located)
    for start in range(0, len(numbers), 500):
        live = Member.objects.filter(id_number__in=numbers[start:start + 500],
                                     household__status=HouseholdStatus.ACTIVE)
        for number in live.values_list("id_number", flat=True):
            household, position = located[crypto.normalise(number)]
            errors.append(household.locate(f"members[{position}].id_number",
                                           "该身份证号已在另一个在册家庭中登记"))
    return errors


#: A 家庭编号 beginning with this only links the rows of the file (新1, 新2 …); the
#: registry numbers the household (H + region code + serial).
NEW_HOUSEHOLD_PREFIX = "新"


def registry_data(household: ParsedHousehold) -> dict[str, Any]:
    """The household as the registry takes it: without its 家庭编号 when that is a new
    household's key in the file (``NEW_HOUSEHOLD_PREFIX``), so it is numbered on import."""
    if str(household.household_id).startswith(NEW_HOUSEHOLD_PREFIX):
        return {k: v for k, v in household.data.items() if k != "household_id"}
    return household.data


def _located(household: ParsedHousehold, exc: ServiceError) -> list[RowError]:
    if not exc.errors:
        return [household.locate("", exc.message)]
    return [household.locate(e.get("path", ""), e.get("message", exc.message)) for e in exc.errors]


def _in_order(errors: list[RowError]) -> list[RowError]:
    """Without repeats, in sheet, row and column order."""
    sheets = {sheet.name: index for index, sheet in enumerate(SHEETS)}
    columns = {sheet.name: {c.label: i for i, c in enumerate(sheet.columns)} for sheet in SHEETS}
    unique = list(dict.fromkeys(errors))
    unique.sort(key=lambda e: (sheets.get(e.sheet, -1), e.row or 0,
                               columns.get(e.sheet, {}).get(e.column, -1)))
    return unique


class _WriteRefused(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("import refused while writing")
        self.errors = errors


def _write(job: ImportJob, parsed: ParsedWorkbook, actor: Any, summary: dict[str, Any],
           validated_at: float, regions: dict[str, Region | None], processes: int) -> None:
    """Stage the households chunk by chunk (each chunk a short transaction, its rows
    invisible), then publish them all in one short transaction; on any refusal or failure
    the staged rows are discarded (all or nothing)."""
    reason = f"Excel 导入（任务 {job.pk}：{job.original_name}）"[:100]
    stage = _Stage(job, actor, reason, regions)
    try:
        # The chunks are written on a thread of their own on PostgreSQL only: on SQLite,
        # writing the next chunk as soon as one commits would take the database's one write
        # lock back before a waiting writer (a reader's audit event) gets it — preparing the
        # next chunk in between is the gap they need. Inside a transaction (a test's),
        # another connection would not see the job.
        threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        with closing(_prepared_chunks(stage, parsed.households, processes)) as chunks:
            first = next(chunks, None)  # forks the preparing processes before the thread starts
            gap = SQLITE_GAP if processes > 1 and connection.vendor == "sqlite" else 0.0
            with _Writer(stage, summary, threaded=threaded, gap=gap) as writer:
                for chunk in chain([first] if first is not None else [], chunks):
                    writer.put(chunk)
        summary["seconds_stage"] = round(time.monotonic() - validated_at, 3)
        published_at = time.monotonic()
        with transaction.atomic():
            stage.publish()
            summary["seconds_publish"] = round(time.monotonic() - published_at, 3)
            summary["seconds_write"] = round(time.monotonic() - validated_at, 3)
            message = f"已导入 {summary['households']} 户家庭、{summary['members']} 名成员"
            audit_record(actor=actor, action="import", obj=job, region_path=_region_path(job),
                         detail={"job": job.pk, "file": job.original_name, "status": "done",
                                 **_counts(summary)})
            done = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.WRITING).update(
                status=ImportStatus.DONE, processed_rows=job.total_rows, error_count=0,
                errors=[], summary=summary, message=message, finished_at=timezone.now())
            if not done:  # failed meanwhile as interrupted (a slow worker taken for dead)
                raise _Superseded
    except _Superseded:
        staged_discard(job_id=job.pk)
    except BaseException:
        staged_discard(job_id=job.pk)
        raise


class _Writer:
    """Writes the prepared chunks in order, each in its own short transaction — on a thread
    of its own (with its own database connection) when ``threaded``, so that the database's
    work on one chunk overlaps preparing the next. A failure of a chunk is raised again in
    the caller's thread, by the next ``put`` or on leaving the ``with`` block."""

    def __init__(self, stage: _Stage, summary: dict[str, Any], *, threaded: bool,
                 gap: float = 0.0):
        self.stage, self.summary, self.gap = stage, summary, gap
        self.written = 0
        self.error: BaseException | None = None
        self.queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=2)
        self.thread = (threading.Thread(target=self._loop, name=f"import-{stage.job.pk}",
                                        daemon=True) if threaded else None)

    def __enter__(self) -> _Writer:
        if self.thread is not None:
            self.thread.start()
        return self

    def put(self, chunk: _Chunk) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            self._write(chunk)
            if self.gap:
                # prepared by other processes, the next chunk is ready at once: without a
                # pause the lock would be taken back before a waiting writer (a page's
                # audit event, polling with SQLite's busy handler) gets it
                time.sleep(self.gap)
        else:
            self.queue.put(chunk)

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if kind is None and self.error is not None:
            raise self.error

    def _loop(self) -> None:
        try:
            while (chunk := self.queue.get()) is not None:
                if self.error is None:  # after a failure, only drain what was put
                    try:
                        self._write(chunk)
                    except BaseException as error:  # noqa: BLE001 - raised in the caller
                        self.error = error
        finally:
            connection.close()  # this thread's own connection

    def _write(self, chunk: _Chunk) -> None:
        job = self.stage.job
        locked = time.monotonic()
        with transaction.atomic():
            self.stage.write(chunk)
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
        # how long other writers may have waited on SQLite: the longest chunk
        self.summary["seconds_chunk_max"] = round(max(self.summary.get("seconds_chunk_max", 0),
                                                      time.monotonic() - locked), 3)
        self.written += len(chunk.parsed)
        progress.written_set(job.pk, self.written)


class _Superseded(Exception):
    """The job is no longer ours to finish."""


def _prepared_chunks(stage: _Stage, households: list[ParsedHousehold],
                     processes: int) -> Generator[_Chunk, None, None]:
    """The households prepared for staging, ``WRITE_CHUNK`` at a time, in file order: by
    ``processes`` forked processes when there are two or more (:func:`_processes`), the
    registry's numbers and the ID-number map added here."""
    starts = range(0, len(households), WRITE_CHUNK)
    if processes < 2:
        for start in starts:
            yield stage.prepare(households[start:start + WRITE_CHUNK])
        return

    def rows(start: int) -> _Chunk:
        chunk = stage.rows(households[start:start + WRITE_CHUNK])
        chunk.parsed = []  # the parent has them
        return chunk

    for start, chunk in zip(starts, _forked(rows, starts, processes), strict=True):
        chunk.parsed = households[start:start + WRITE_CHUNK]
        yield stage.accept(chunk)


class _Stage:
    """The rows of one import written as staged (``staged_by`` = the job), in bulk."""

    def __init__(self, job: ImportJob, actor: Any, reason: str,
                 regions: dict[str, Region | None] | None = None):
        self.job, self.actor, self.reason = job, actor, reason
        self.user = actor if getattr(actor, "pk", None) else None
        self.regions: dict[str, Region] = {c: r for c, r in (regions or {}).items()
                                           if r is not None}
        # blind index of each staged member's ID number -> (household, member index)
        self.members: dict[str, tuple[ParsedHousehold, int]] = {}
        self.households = 0  # prepared for staging
        self.household, self.member = _unsaved(Household), _unsaved(Member)
        self.supporter, self.vehicle = _unsaved(Supporter), _unsaved(Vehicle)

    def _region(self, code: str) -> Region:
        if code not in self.regions:
            self.regions[code] = Region.objects.get(code=code)
        return self.regions[code]

    def prepare(self, chunk: list[ParsedHousehold]) -> _Chunk:
        """The chunk's rows as the columns take them, outside any transaction (the CPU
        work: fields, SM4 encryption, blind indexes), so that the write transaction only
        inserts and other writers get the lock between two chunks."""
        return self.accept(self.rows(chunk))

    def accept(self, chunk: _Chunk) -> _Chunk:
        """Number the chunk's new households (the registry's counters) and remember its
        members' ID numbers (for the publishing check): the part of :meth:`prepare` that
        needs the database and this process."""
        if chunk.unnumbered:
            column = [f.attname for f in chunk.household_rows.fields].index("household_id")
            for row, code in chunk.unnumbered:
                chunk.household_rows.values[row][column] = household_number(self._region(code))
        self.households += len(chunk.parsed)
        for index, n, position in chunk.members:
            self.members[index] = (chunk.parsed[n], position)
        return chunk

    def rows(self, chunk: list[ParsedHousehold]) -> _Chunk:
        """The CPU part of :meth:`prepare`, without the database (it may run in a forked
        process): the rows of the chunk's households, members, supporters and vehicles."""
        user_pk = getattr(self.user, "pk", None)
        households: list[Any] = []
        unnumbered: list[tuple[int, str]] = []
        for item in chunk:
            data = registry_data(item)
            region = self._region(data["region_code"])
            if not data.get("household_id"):
                unnumbered.append((len(households), region.code))
            households.append(self.household(
                household_id=data.get("household_id") or "", region_id=region.pk, grid_id=None,
                region_path=location_path(region, None), created_by_id=user_pk,
                staged_by=self.job.pk, **household_fields(data)))
        children: dict[Any, list[tuple[int, Any]]] = {Member: [], Supporter: [], Vehicle: []}
        for n, item in enumerate(chunk):
            data = item.data
            children[Member] += [(n, self.member(member_id=m["member_id"], staged_by=self.job.pk,
                                                 **member_fields(m, i)))
                                 for i, m in enumerate(data["members"])]
            children[Supporter] += [(n, self.supporter(**supporter_fields(s, i)))
                                    for i, s in enumerate(data.get("supporters") or [])]
            children[Vehicle] += [(n, self.vehicle(position=i, kind=v["kind"], value=v["value"]))
                                  for i, v in enumerate((data.get("assets") or {})
                                                        .get("vehicles") or [])]
        prepared = {model: ([n for n, _obj in objects],
                            _prepared(model, [obj for _n, obj in objects]))
                    for model, objects in children.items()}
        return _Chunk(chunk, _prepared(Household, households), prepared, unnumbered,
                      # the blind index its pre_save set
                      [(obj.id_number_index, n, obj.position) for n, obj in children[Member]])

    def write(self, chunk: _Chunk) -> None:
        """Stage one prepared chunk (call it in a transaction): each kind of row in
        multi-row inserts with primary keys taken beforehand, then their "+" history records
        from the same values. A household number registered since validation fails the insert
        (unique) and refuses the import; ID numbers registered meanwhile are checked when
        publishing."""
        household_pks = _new_pks(Household, len(chunk.household_rows.values))
        try:
            with transaction.atomic():
                _executemany(Household, _with_pks(Household, chunk.household_rows, household_pks))
        except IntegrityError as exc:  # a number registered since validation
            self._refuse_taken(chunk.parsed)
            raise RuntimeError("household insert failed without a taken number") from exc
        self._history(Household, household_pks, chunk.household_rows)
        for model, (owners, rows) in chunk.children.items():
            if not owners:
                continue
            column = rows.fields.index(model._meta.get_field("household"))
            for n, values in zip(owners, rows.values, strict=True):
                values[column] = household_pks[n]
            pks = _new_pks(model, len(owners))
            _executemany(model, _with_pks(model, rows, pks))
            self._history(model, pks, rows)

    def _history(self, model: Any, pks: list[int], rows: _Rows) -> None:
        """The "+" history records of the rows just inserted (``pks``), in bulk."""
        history = model.history.model
        extra = {"history_date": timezone.now(), "history_change_reason": self.reason,
                 "history_type": "+", "history_user_id": getattr(self.user, "pk", None)}
        fields = [f for f in history._meta.concrete_fields if not f.primary_key]
        prepared = {f.attname: f.get_db_prep_save(extra[f.attname], connection)
                    for f in fields if f.attname in extra}
        where = {f.attname: i for i, f in enumerate(rows.fields)}
        _executemany(history, _Rows(fields, [
            [prepared[f.attname] if f.attname in prepared
             else pk if f.attname == "id" else values[where[f.attname]] for f in fields]
            for pk, values in zip(pks, rows.values, strict=True)]))

    def _refuse_taken(self, chunk: list[ParsedHousehold]) -> None:
        """Refuse the import, each taken cell located, when household numbers or ID numbers
        of the chunk were registered since validation (by a registration, another import)."""
        errors = _taken(chunk)
        if errors:
            raise _WriteRefused(_in_order(errors))

    def publish(self) -> None:
        """Make the staged rows visible, unless an ID number of theirs was registered in an
        active household meanwhile (checked here, in the publishing transaction)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK_KEY])
        live = Member.objects.filter(id_number_index=OuterRef("id_number_index"),
                                     household__status=HouseholdStatus.ACTIVE)
        clashes = (Member.all_objects.filter(staged_by=self.job.pk).filter(Exists(live))
                   .values_list("id_number_index", flat=True))
        errors = []
        for index in clashes:
            household, position = self.members[index]
            errors.append(household.locate(f"members[{position}].id_number",
                                           "该身份证号已在另一个在册家庭中登记"))
        if len(crypto.keyring()) > 1:  # a key rotation runs: older indexes too
            errors += self._clashes_by_value()
        if errors:
            raise _WriteRefused(_in_order(errors))
        published = (Household.all_objects.filter(staged_by=self.job.pk).update(staged_by=None),
                     Member.all_objects.filter(staged_by=self.job.pk).update(staged_by=None))
        if published != (self.households, len(self.members)):
            raise RuntimeError(f"import {self.job.pk}: staged {self.households} households and "
                               f"{len(self.members)} members, found {published} to publish")

    def _clashes_by_value(self) -> list[RowError]:
        return _registered_elsewhere(
            {crypto.normalise(h.data["members"][i]["id_number"]): (h, i)
             for h, i in self.members.values()})


@dataclass
class _Rows:
    """Rows of a table as its columns take them: ``values[i][j]`` is for ``fields[j]``."""

    fields: list[Any]
    values: list[list[Any]]


@dataclass
class _Chunk:
    parsed: list[ParsedHousehold]
    household_rows: _Rows
    # model -> (index of the row's household in the chunk, for each row; the rows)
    children: dict[Any, tuple[list[int], _Rows]]
    # (row, region code) of the households the registry numbers (their number column "")
    unnumbered: list[tuple[int, str]]
    # (blind index of the ID number, index of the household in the chunk, position)
    members: list[tuple[str, int, int]]


def _prepared(model: Any, objects: list[Any]) -> _Rows:
    """``objects`` (no primary key yet) as ``save()`` would write them: each value through
    its field's ``pre_save`` (auto dates, blind index) and ``get_db_prep_save`` (SM4
    encryption, JSON) — the plain columns (text, integers, booleans, foreign keys) as they
    are, which is what those two give for them, without the call per value."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    database = connections[DEFAULT_DB_ALIAS]  # not the per-call proxy of ``connection``
    preps = [_prep_of(f, database) for f in fields]
    return _Rows(fields, [[prep(obj) for prep in preps] for obj in objects])


class _Unsaved:
    """A new row's values by column (``attname``), for the fields' ``pre_save`` and
    ``get_db_prep_save``: what a model instance would carry, without building one."""


def _unsaved(model: Any) -> Any:
    """A maker of :class:`_Unsaved` rows of ``model``: every column's default, then the
    values given (by ``attname``)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = {f.attname: f.get_default() for f in fields
             if not (f.has_default() and callable(f.default))}
    computed = [f for f in fields if f.has_default() and callable(f.default)]
    names = {f.attname for f in fields}

    def make(**values: Any) -> _Unsaved:
        unknown = set(values) - names
        if unknown:
            raise TypeError(f"{model.__name__} has no columns {sorted(unknown)}")
        row = _Unsaved()
        row.__dict__.update(fixed)
        for field in computed:
            row.__dict__[field.attname] = field.get_default()
        row.__dict__.update(values)
        return row
    return make


def _new_pks(model: Any, count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, taken in the write transaction: from
    the sequence on PostgreSQL; on SQLite past the largest ever used (the transaction holds
    the database's write lock, so nobody else takes them)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [table, model._meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(largest, row[0] if row else 0) + 1
    return list(range(first, first + count))


def _with_pks(model: Any, rows: _Rows, pks: list[int]) -> _Rows:
    """``rows`` of ``model`` with their primary keys as the first column."""
    return _Rows([model._meta.pk, *rows.fields],
                 [[pk, *values] for pk, values in zip(pks, rows.values, strict=True)])


#: Field classes whose ``pre_save`` is the attribute and whose ``get_db_prep_save`` keeps a
#: value of the right Python type as it is (exact classes: subclasses may encrypt, index…).
_PLAIN_INTEGERS = (models.IntegerField, models.PositiveIntegerField,
                   models.PositiveSmallIntegerField, models.SmallIntegerField,
                   models.BigIntegerField)


def _prep_of(field: Any, database: Any) -> Any:
    """How one column's value is taken from an object, as ``save()`` would write it."""
    attname, kind = field.attname, type(field)
    if kind is models.CharField or kind is models.TextField:
        def text(obj: Any) -> Any:
            value = getattr(obj, attname)
            return value if value is None or type(value) is str else field.to_python(value)
        return text
    if kind in _PLAIN_INTEGERS or kind is models.ForeignKey or kind is models.BooleanField:
        plain = bool if kind is models.BooleanField else int

        def number(obj: Any) -> Any:
            value = getattr(obj, attname)
            if value is None or type(value) is plain:
                return value
            return field.get_db_prep_save(value, database)
        return number
    if kind is FenField:
        # its int of fen as the database takes it (without PostgreSQL's Int8 wrapper, which
        # costs a Python call per value to send back from a preparing process)
        return lambda obj: field.get_prep_value(getattr(obj, attname))
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), database)


def _executemany(model: Any, rows: _Rows) -> None:
    """Insert ``rows`` into ``model``'s table: COPY on PostgreSQL, multi-row INSERT
    statements elsewhere."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        columns = ", ".join(quote(f.column) for f in rows.fields)
        # the raw cursor's COPY, its errors as Django's (IntegrityError …)
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows.values:
                copy.write_row(row)
        return
    per_row = len(rows.fields)
    # SQLite allows 32,766 parameters a statement, PostgreSQL 65,535
    batch = max(1, min(INSERT_BATCH, 30_000 // per_row))
    columns = ", ".join(quote(f.column) for f in rows.fields)
    row_sql = "(" + ", ".join(["%s"] * per_row) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows.values), batch):
            part = rows.values[start:start + batch]
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
                           + ", ".join([row_sql] * len(part)),
                           [v for row in part for v in row])


def staged_discard(*, job_id: int) -> int:
    """Delete what an unfinished import staged (households, their rows, their history),
    in short transactions; returns the households deleted. Safe to run again."""
    deleted = 0
    while True:
        pks = list(Household.all_objects.filter(staged_by=job_id)
                   .values_list("pk", flat=True)[:WRITE_CHUNK])
        if not pks:
            return deleted
        households_purge(pks)
        deleted += len(pks)


def households_purge(pks: list[int]) -> None:
    """Delete households, their members, supporters, vehicles and all their history, in
    one transaction and without signals: for rows never published (or a benchmark's own),
    never for the registry's (whose deletions are recorded)."""
    with transaction.atomic():
        for model in (Member, Supporter, Vehicle):
            _raw_delete(model.history.model.objects.filter(household_id__in=pks))
            _raw_delete(model._base_manager.filter(household_id__in=pks))
        _raw_delete(Household.history.model.objects.filter(id__in=pks))
        _raw_delete(Household._base_manager.filter(pk__in=pks))


def _raw_delete(queryset: QuerySet) -> None:
    """Delete without signals (no "-" history of rows that were never visible)."""
    queryset._raw_delete(queryset.db)  # type: ignore[attr-defined]


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: summary[k] for k in ("households", "members", "supporters", "vehicles")
            if k in summary}


def _region_path(job: ImportJob) -> str:
    return job.region.path if job.region is not None else ""


@transaction.atomic
def _finish_failed(job: ImportJob, errors: list[RowError], summary: dict[str, Any]) -> None:
    if len(errors) == 1 and errors[0].row is None:
        message = f"导入失败，未写入任何数据：{errors[0].message}"
    else:
        message = f"发现 {len(errors)} 处错误，未写入任何数据。请按错误报告修改后重新上传。"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error_count=len(errors),
        errors=[e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]],
        summary=summary, message=message[:300], finished_at=timezone.now())
    audit_record(actor=job.created_by, action="import", obj=job, region_path=_region_path(job),
                 detail={"job": job.pk, "file": job.original_name, "status": "failed",
                         "errors": len(errors), **_counts(summary)})


# --- runs whose worker died ------------------------------------------------------------

INTERRUPTED = ("导入中断：处理该任务的工作进程已停止（例如被终止），未写入任何数据"
               "（导入要么全部写入，要么不写入）。可以重新开始。")


def _last_sign_of_life(job: ImportJob) -> datetime | None:
    moments = [m for m in (job.created_at, job.started_at, job.heartbeat_at) if m is not None]
    written = progress.written_at(job.pk)
    if written is not None:
        moments.append(datetime.fromtimestamp(written, tz=UTC))
    return max(moments) if moments else None


def import_jobs_fail_stale(*, before: datetime, pk: int | None = None) -> int:
    """Fail the imports validating or writing whose worker has been silent since
    ``before`` (registered on :data:`jiuzhu.core.jobs.stale_runs`), and discard what they
    staged: a dead worker published nothing, so the job says nothing was written and may
    be restarted."""
    count = 0
    running = ImportJob.objects.filter(
        status__in=[ImportStatus.VALIDATING, ImportStatus.WRITING]).select_related("region")
    if pk is not None:
        running = running.filter(pk=pk)
    for job in running:
        seen = _last_sign_of_life(job)
        if seen is not None and seen >= before:
            continue
        with transaction.atomic():
            failed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.FAILED, error_count=1, finished_at=timezone.now(),
                errors=[RowError("", None, "", INTERRUPTED).as_dict()], message=INTERRUPTED[:300],
                summary={**(job.summary or {}), "interrupted": True, "written": 0,
                         "interrupted_in": job.status})
            if failed:
                audit_record(actor=None, action="import", obj=job, region_path=_region_path(job),
                             detail={"job": job.pk, "file": job.original_name,
                                     "status": "interrupted", "written": 0})
        if failed:
            progress.written_clear(job.pk)
            count += 1
    staged_leftovers_discard()
    return count


def staged_leftovers_discard() -> int:
    """Discard the staged rows of every import no longer writing (failed, interrupted,
    or gone): what a worker killed while staging or discarding left behind."""
    jobs = {job for job in Household.all_objects.filter(staged_by__isnull=False)
            .values_list("staged_by", flat=True).distinct() if job is not None}
    writing = set(ImportJob.objects.filter(pk__in=jobs, status=ImportStatus.WRITING)
                  .values_list("pk", flat=True))
    return sum(staged_discard(job_id=job_id) for job_id in sorted(jobs - writing))


def import_job_restart(*, actor: Any, job: ImportJob) -> ImportJob:
    """Queue again an import whose worker died (nothing was written): by whom may import
    and sees the job; audited."""
    if not actor.has_perm("households.import_household") or \
            not ImportJob.objects.visible_to(actor).filter(pk=job.pk).exists():
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权重新开始该导入"))
    with transaction.atomic():
        restarted = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED,
                                             summary__interrupted=True).update(
            status=ImportStatus.QUEUED, processed_rows=0, error_count=0, errors=[], message="",
            started_at=None, finished_at=None, heartbeat_at=None,
            summary={"restarted": int((job.summary or {}).get("restarted", 0)) + 1})
        if not restarted:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                               _("只有因工作进程中断而失败的导入可以重新开始"))
        audit_record(actor=actor, action="import", obj=job, region_path=_region_path(job),
                     detail={"job": job.pk, "file": job.original_name, "status": "restarted"})
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return job


# --- export -------------------------------------------------------------------------------


def households_export(*, actor: Any, households: QuerySet[Household], dest: IO[bytes],
                      filters: dict[str, str] | None = None) -> WriteCounts:
    """Write the households to ``dest`` as a workbook in the import layout, so that an edited
    export can be imported again; a few queries per thousand households, not one per row.

    Not one transaction: on SQLite that would hold the write lock for the whole export."""
    rows = (households.select_related("region")
            .prefetch_related("members", "supporters", "vehicles")
            .iterator(chunk_size=EXPORT_CHUNK))
    # Full ID numbers and phones only for the roles allowed (households.export_full_id);
    # others get them masked (such a workbook cannot be imported again).
    full = bool(actor.has_perm("households.export_full_id"))
    dicts = (household_to_dict(h) for h in rows)
    counts = workbook_write(dest, dicts if full else (_masked(d) for d in dicts))
    audit_record(actor=actor, action="export", region_path=getattr(actor, "region_path", ""),
                 detail={"households": counts.households, "members": counts.members,
                         "rows": counts.households + counts.members,
                         "field": "id_number" if full else "masked",
                         "filters": filters or {}})
    return counts


def _masked(data: dict[str, Any]) -> dict[str, Any]:
    """A household dict with its members' ID numbers and its phone masked."""
    members = [{**m, "id_number": mask_id_number(m.get("id_number"))}
               for m in data.get("members") or []]
    out = {**data, "members": members}
    if data.get("phone"):
        out["phone"] = mask_phone(data["phone"])
    return out
