"""Benchmark: batch re-assessment of N registered households end to end, split by county
and run by W task workers (``jiuzhu bench_reassess --households N --workers W``).

Synthetic households (``jiuzhu.rules.synthetic``, fixed seed) are written into the registry
tables in bulk, in equal blocks over the scratch counties of a scratch city 基准测试市
(9981, counties 998101…), whose parameters are the demo county's under their own codes (a
temporary parameters folder for this process and the workers it forks). Then, for each
worker count asked for, the standings are cleared and one ``BatchRun`` over the city is
created — one part per county — and either run in this process (``--workers 0``) or handed
to W ``jiuzhu db_worker --batch`` processes (forked, so they share the parameters folder),
which take the counties' tasks in parallel. Every run's standings are checked against the
engine run on the same arrays in memory; the households, standings, runs and task rows are
removed afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.db import connection, connections, transaction

from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region
from jiuzhu.regions.services import region_get_or_create
from jiuzhu.rules.engine import BatchResult, assess_arrays
from jiuzhu.rules.synthetic import COUNTY, generate

from .benchmark import BENCH_DATE, _remove, households_sequence_caught_up, insert_households
from .choices import BatchStatus
from .models import BatchRun
from .services import BATCH_STEPS, batch_create, batch_enqueue_parts, batch_execute

BENCH_CITY = "9981"


def bench_counties(count: int) -> tuple[Region, list[Region]]:
    """The scratch city and ``count`` counties of one township and one village each."""
    province = region_get_or_create(code="99", name="示范省", level="province")
    city = region_get_or_create(code=BENCH_CITY, name="基准测试市", level="city",
                                parent=province)
    villages = []
    for n in range(1, count + 1):
        county = region_get_or_create(code=f"{BENCH_CITY}{n:02d}", name=f"基准测试{n}县",
                                      level="county", parent=city)
        town = region_get_or_create(code=f"{county.code}001", name=f"基准测试{n}县第1镇",
                                    level="township", parent=county)
        villages.append(region_get_or_create(code=f"{town.code}001", name=f"基准测试{n}县第1村",
                                             level="village", parent=town, area_type="rural"))
    return city, villages


@contextmanager
def scratch_parameters(codes: Sequence[str]) -> Iterator[None]:
    """The demo county's parameter files also under the scratch counties' codes, in a
    temporary folder this process (and any worker it forks) reads instead of the real one."""
    from jiuzhu.rules import parameters

    real = parameters.PARAMETERS_ROOT
    root = tempfile.mkdtemp(prefix="jiuzhu-bench-parameters-")
    try:
        for entry in real.iterdir():
            os.symlink(entry, os.path.join(root, entry.name))
        for code in codes:
            os.symlink(real / f"{COUNTY:06d}", os.path.join(root, code))
        parameters.PARAMETERS_ROOT = type(real)(root)
        parameters.clear_caches()
        yield
    finally:
        parameters.PARAMETERS_ROOT = real
        parameters.clear_caches()
        shutil.rmtree(root, ignore_errors=True)


def _worker(index: int) -> None:
    """One task worker (forked): take tasks until the queue is empty."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, interval=0.05, reload=False,
                 worker_id=f"bench-reassess-{os.getpid()}-{index}", verbosity=0)
    connections.close_all()


def _run_workers(workers: int) -> None:
    connections.close_all()  # each forked worker opens its own connection
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_worker, args=(i,)) for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise RuntimeError(f"a task worker exited with {failed}")


def _standings_of(villages: Sequence[Region], first_pk: int, n: int) -> dict[str, np.ndarray]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT household_id, eligible, benefit_fen, per_capita_fen, circle, "
            "index_hundredths, vetoes FROM assessments_standing "
            "WHERE household_id BETWEEN %s AND %s ORDER BY household_id",
            [first_pk, first_pk + n - 1])
        rows = cursor.fetchall()
    table = np.array(rows, dtype=np.int64).reshape(len(rows), 7)
    names = ("household_id", "eligible", "benefit", "per_capita", "circle", "index", "vetoes")
    return {name: table[:, i] for i, name in enumerate(names)}


def _agrees(got: dict[str, np.ndarray], expected: BatchResult, first_pk: int, n: int) -> bool:
    if not np.array_equal(got["household_id"], np.arange(first_pk, first_pk + n)):
        return False
    return all(np.array_equal(got[name], np.asarray(getattr(expected, name), dtype=np.int64))
               for name in ("eligible", "benefit", "per_capita", "circle", "index", "vetoes"))


def _clear(villages: Sequence[Region], city: Region, *, households: bool) -> None:
    from django_tasks_db.models import DBTaskResult

    runs = list(BatchRun.objects.within(city)
                .values_list("pk", flat=True))
    DBTaskResult.objects.filter(task_path__endswith="batch_run_task",
                                args_kwargs__kwargs__run_id__in=runs).delete()
    BatchRun.objects.filter(pk__in=runs, parent__isnull=False).delete()
    BatchRun.objects.filter(pk__in=runs).delete()
    with connection.cursor() as cursor:
        if households:
            for village in villages:
                _remove(village)
        else:
            cursor.execute("DELETE FROM assessments_standing WHERE region_path LIKE %s",
                           [city.path + "%"])


def _vacuum(tables: Sequence[str]) -> None:
    """Settled tables, as a registry's are (hint bits, visibility map, statistics)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def bench_reassess(n: int, *, keep: bool = False, chunk_size: int = 50_000,
                   workers: Sequence[int] = (0,), counties: int = 8) -> dict[str, Any]:
    city, villages = bench_counties(counties)
    codes = [v.code[:6] for v in villages]
    with scratch_parameters(codes):
        _clear(villages, city, households=True)
        batch = generate(n)
        bounds = np.linspace(0, n, counties + 1).astype(np.int64)
        for code, lo, hi in zip(codes, bounds[:-1], bounds[1:], strict=True):
            batch.county[lo:hi] = int(code)
        first_pk = (Household.objects.order_by("-pk").values_list("pk", flat=True).first()
                    or 0) + 1
        started = time.perf_counter()
        with transaction.atomic():
            for village, lo, hi in zip(villages, bounds[:-1], bounds[1:], strict=True):
                insert_households(batch.slice(int(lo), int(hi)), village, first_pk + int(lo))
        households_sequence_caught_up(analyze=False)  # _vacuum analyses
        _vacuum(("households_household", "households_member", "households_supporter",
                 "households_vehicle"))
        seconds_insert = time.perf_counter() - started

        batch.assessment_date[:] = (BENCH_DATE.year * 10000 + BENCH_DATE.month * 100
                                    + BENCH_DATE.day)
        tick = time.perf_counter()
        expected = assess_arrays(batch)
        seconds_engine_in_memory = time.perf_counter() - tick
        runs: list[dict[str, Any]] = []
        for count in workers:
            _clear(villages, city, households=False)
            _vacuum(("assessments_standing",))
            load = os.getloadavg()[0]
            started = time.perf_counter()
            run = batch_create(actor=SYSTEM, region=city, on=BENCH_DATE, chunk_size=chunk_size)
            seconds_create = time.perf_counter() - started
            if count == 0:
                batch_execute(run=run)
            else:
                batch_enqueue_parts(run=run)
                _run_workers(count)
            seconds = time.perf_counter() - started
            run.refresh_from_db()
            got = _standings_of(villages, first_pk, n)
            runs.append({
                "workers": count, "seconds": round(seconds, 3), "load_before": round(load, 2),
                "households_per_second": round(n / seconds),
                "seconds_create": round(seconds_create, 3),
                "parts": run.parts.count(), "status": run.status,
                "processed": run.processed,
                "steps": {name: round(float(run.timings.get(name, 0.0)), 3)
                          for name in BATCH_STEPS},
                "agrees_with_engine": (run.status == BatchStatus.DONE and run.processed == n
                                       and _agrees(got, expected, first_pk, n)),
            })
        if not keep:
            with transaction.atomic():
                _clear(villages, city, households=True)
    last = runs[-1]
    base = runs[0]["seconds"]
    return {
        "households": n, "database": connection.vendor,
        "seconds": last["seconds"], "households_per_second": last["households_per_second"],
        "seconds_insert": round(seconds_insert, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "agrees_with_engine": all(r["agrees_with_engine"] for r in runs),
        "workers": last["workers"], "counties": counties, "chunk": chunk_size,
        # seconds of each step, summed over the chunks of every part (over the workers)
        **{f"seconds_{name}": last["steps"][name] for name in BATCH_STEPS},
        "seconds_engine_in_memory": round(seconds_engine_in_memory, 3),
        "runs": [{k: r[k] for k in ("workers", "seconds", "households_per_second",
                                    "agrees_with_engine", "load_before", "steps")}
                 | {"speedup": round(base / r["seconds"], 2)} for r in runs],
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                                    / 1024),
        "cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
    }
