"""``jiuzhu bench_import --households 10000 --readers 4``: time an Excel import of a
county-sized file while R readers use the household pages.

Builds a workbook of valid, realistic households (unique, valid ID numbers) in a temporary
directory, then imports it into the current database through the same job runner the
background task uses. The import commits (its chunks, then its publish), so that readers on
other connections live beside it: R reader processes (each its own connection and a test
client logged in as a county user) open household pages, the household list and searches
by ID number and by name continuously while the import runs, and count their requests,
errors (HTTP status ≥ 400 or an exception, e.g. "database is locked") and p99 latency.

Afterwards everything the bench created is deleted (households with their rows and history,
the job and its file, the bench regions, the readers' sessions); the two bench users
("bench-import", "bench-reader") are kept deactivated and without a region, because the
append-only audit log names them. Prints one JSON line.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import shutil
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import override_settings

from jiuzhu.accounts.models import User
from jiuzhu.core.access import SYSTEM
from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.services import households_purge, import_job_run
from jiuzhu.exchange.writer import workbook_write
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.regions.models import Region
from jiuzhu.regions.services import region_get_or_create

# ID numbers of bench households use an area code no real or demo household uses.
ID_AREA = "990199"
ASSESSMENT_DATE = "2026-03-01"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅志"


#: Households registered before the import, for the readers to open and search.
SEED_HOUSEHOLDS = 20
#: Households deleted per transaction of the clean-up.
PURGE_CHUNK = 2000


class Command(BaseCommand):
    help = ("Time an Excel import of N generated households beside R readers of the household "
            "pages (everything created is deleted afterwards).")

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=10_000)
        parser.add_argument("--readers", type=int, default=0,
                            help="reader processes using the household pages during the import")
        parser.add_argument("--seed", type=int, default=20260301)
        parser.add_argument("--keep-file", type=Path, default=None,
                            help="also copy the generated workbook here")
        parser.add_argument("--file", type=Path, default=None,
                            help="import this workbook (kept by --keep-file with the same "
                                 "--households and --seed) instead of building one")

    def handle(self, *args: Any, households: int, readers: int, seed: int,
               keep_file: Path | None, file: Path | None, **options: Any) -> None:
        rng = random.Random(seed)
        directory = Path(tempfile.mkdtemp(prefix="jiuzhu-bench-"))
        villages = [f"990102{t:03d}{v:03d}" for t in (901, 902, 903) for v in (1, 2, 3)]
        try:
            path = directory / "bench.xlsx"
            started = time.monotonic()
            generated = _households(rng, households + SEED_HOUSEHOLDS, villages)
            seeds = [next(generated) for _ in range(SEED_HOUSEHOLDS)]
            if file is not None:  # the seeds are the generator's first households, as then
                if not file.is_file():
                    raise CommandError(f"--file: no such file {file}")
                shutil.copyfile(file, path)
            else:
                workbook_write(path, generated)
            seconds_build = time.monotonic() - started
            if keep_file:
                shutil.copyfile(path, keep_file)
            bench = _Bench(villages, seeds)
            try:
                # A file of 100,000 households unpacks to ~250 MB, above the upload limit
                # (XLSX_MAX_UNPACKED, 200 MB: such a county splits its file or raises it).
                with override_settings(XLSX_MAX_UNPACKED=max(
                        int(getattr(settings, "XLSX_MAX_UNPACKED", 0)), 4 * 1024 ** 3)):
                    result = bench.run(path, readers)
            finally:
                bench.clean_up()
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        summary = result["summary"]
        latencies = sorted(result["latencies"])
        self.stdout.write(json.dumps({
            "households": summary.get("households", 0),
            "members": summary.get("members", 0),
            "seconds_parse_validate": round(summary.get("seconds_parse", 0)
                                            + summary.get("seconds_validate", 0), 2),
            "seconds_parse": round(summary.get("seconds_parse", 0), 2),
            "seconds_validate": round(summary.get("seconds_validate", 0), 2),
            "seconds_stage": round(summary.get("seconds_stage", 0), 2),
            "seconds_write": round(summary.get("seconds_write", 0), 2),
            "seconds_total": round(result["seconds_total"], 2),
            # CPU time of this process (SQLite runs inside it): steadier than wall time on a
            # machine shared with other work.
            "cpu_seconds_total": round(result["cpu_seconds_total"], 2),
            "seconds_build_file": round(seconds_build, 2),
            "database": connection.vendor,
            "seconds_publish": round(summary.get("seconds_publish", 0), 2),
            "seconds_chunk_max": round(summary.get("seconds_chunk_max", 0), 2),
            "readers": readers,
            "reader_requests": len(latencies),
            "reader_errors": result["reader_errors"],
            "reader_p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
            "reader_median_ms": round(_percentile(latencies, 0.5), 1) if latencies else None,
        }, ensure_ascii=False))
        if result["status"] != "done":
            raise CommandError(f"import failed: {result['message']} {result['errors'][:5]}")
        if result["reader_problems"]:
            self.stderr.write(f"reader errors, first ones: {result['reader_problems'][:5]}")


class _Bench:
    """The bench's regions, users and seed households, committed; and their clean-up."""

    def __init__(self, villages: list[str], seeds: list[dict[str, Any]]):
        self.villages, self.seeds = villages, seeds
        self.county: Region | None = None
        self.job_pk: int | None = None
        self.stored = ""
        self.sessions: list[str] = []

    def run(self, path: Path, readers: int) -> dict[str, Any]:
        self.county = _bench_regions(self.villages)
        importer = _bench_user("bench-import", "window_worker", self.county)
        reader = _bench_user("bench-reader", "county_approver", self.county)
        seeded = [household_register(actor=SYSTEM, data=data, reason="压测") for data in self.seeds]
        targets = _reader_targets(seeded, self.seeds)
        job = ImportJob(created_by=importer, region=self.county, original_name=path.name,
                        size=path.stat().st_size)
        with path.open("rb") as source:
            job.file.save("bench.xlsx", File(source), save=False)
        self.stored = job.file.name
        job.save()
        self.job_pk = job.pk

        context = multiprocessing.get_context("fork")
        stop, results = context.Event(), context.Queue()
        ready = context.Barrier(readers + 1) if readers else None
        if readers:
            connections.close_all()  # each reader opens its own connection
        processes = [context.Process(target=_read, args=(reader.pk, targets, i, stop, ready,
                                                         results), daemon=True)
                     for i in range(readers)]
        for process in processes:
            process.start()
        if ready is not None:
            ready.wait(timeout=120)
        started, cpu_started = time.monotonic(), time.process_time()
        job = import_job_run(job_id=job.pk)
        seconds_total = time.monotonic() - started
        cpu_seconds_total = time.process_time() - cpu_started
        stop.set()
        latencies: list[float] = []
        errors, problems = 0, []
        for _ in processes:
            out = results.get(timeout=300)
            latencies += out["latencies"]
            errors += out["errors"]
            problems += out["problems"]
            self.sessions += out["sessions"]
        for process in processes:
            process.join(timeout=60)
        return {"seconds_total": seconds_total, "cpu_seconds_total": cpu_seconds_total,
                "status": job.status, "summary": job.summary, "message": job.message,
                "errors": job.errors, "latencies": latencies, "reader_errors": errors,
                "reader_problems": problems}

    def clean_up(self) -> None:
        # only the bench's own townships: the county may hold other households (a scratch
        # database with the load test's, say), which are not the bench's to delete
        towns = list(Region.objects.filter(code__in=sorted({v[:9] for v in self.villages})))
        for town in towns:
            while True:
                pks = list(Household.all_objects.within(town)
                           .values_list("pk", flat=True)[:PURGE_CHUNK])
                if not pks:
                    break
                households_purge(pks)
        if self.job_pk is not None:
            ImportJob.objects.filter(pk=self.job_pk).delete()
        if self.stored:
            ImportJob.file.field.storage.delete(self.stored)
        Session.objects.filter(session_key__in=self.sessions).delete()
        User.objects.filter(username__in=["bench-import", "bench-reader"]).update(
            region=None, is_active=False)
        if self.county is not None:
            from jiuzhu.core.models import Counter as NumberCounter

            codes = [c for town in towns
                     for c in Region.objects.within(town).values_list("code", flat=True)]
            NumberCounter.objects.filter(key__in=[f"households:{c}" for c in codes]).delete()
            for town in towns:
                Region.objects.within(town).filter(level="village").delete()
                town.delete()
            for code in ("990102", "9901", "99"):
                region = Region.objects.filter(code=code).first()
                if region is not None and not region.children.exists():
                    region.delete()


def _bench_user(username: str, role: str, county: Region) -> User:
    user, _created = User.objects.get_or_create(username=username,
                                                defaults={"role": role, "full_name": "压测"})
    user.role, user.region, user.is_active = role, county, True
    user.set_unusable_password()
    user.save()
    return user


def _reader_targets(seeded: list[Household], seeds: list[dict[str, Any]]) -> list[str]:
    """What a reader opens, in turn: a household page, the list, a search by ID number, a
    search by name."""
    targets = []
    for household, data in zip(seeded, seeds, strict=True):
        targets += [f"/households/{household.pk}/", "/households/",
                    f"/households/?q={data['members'][0]['id_number']}",
                    f"/households/?q={data['members'][0]['name'][:2]}"]
    return targets


def _read(user_pk: int, targets: list[str], index: int, stop: Any, ready: Any,
          results: Any) -> None:
    """One reader process: its own connection, a client logged in as ``user_pk``."""
    from django.test import Client

    connections.close_all()
    # the pages without collectstatic's manifest (a checkout, not a deployment)
    override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    client = Client()
    client.force_login(User.objects.get(pk=user_pk))
    for url in targets[:4]:  # warm up (templates, caches): not measured
        client.get(url, secure=True)
    latencies: list[float] = []
    errors, problems = 0, []
    ready.wait(timeout=120)
    position = index * 7
    while not stop.is_set():
        url = targets[position % len(targets)]
        position += 1
        started = time.perf_counter()
        try:
            response = client.get(url, secure=True)
            if response.status_code >= 400:
                errors += 1
                problems.append(f"{url}: HTTP {response.status_code}")
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors += 1
            problems.append(f"{url}: {error!r}"[:300])
        latencies.append((time.perf_counter() - started) * 1000)
    results.put({"latencies": latencies, "errors": errors, "problems": problems[:20],
                 "sessions": [client.session.session_key]})
    connections.close_all()


def _percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def _bench_regions(villages: list[str]):
    province = region_get_or_create(code="99", name="示范省", level="province")
    city = region_get_or_create(code="9901", name="示范市", level="city", parent=province)
    county = region_get_or_create(code="990102", name="示范县", level="county", parent=city)
    for code in sorted({v[:9] for v in villages}):
        town = region_get_or_create(code=code, name=f"压测镇{code[-3:]}", level="township",
                                    parent=county)
        for village in (v for v in villages if v.startswith(code)):
            region_get_or_create(code=village, name=f"压测村{village[-3:]}", level="village",
                                 parent=town, area_type="rural")
    return county


def _households(rng: random.Random, n: int, villages: list[str]):
    used: Counter[tuple[date, bool]] = Counter()

    def id_number(born: date, female: bool) -> tuple[str, date]:
        while used[(born, female)] >= 500:  # 500 sequence numbers per birth date and sex
            born += timedelta(days=1)
        used[(born, female)] += 1
        return id_number_make(area=ID_AREA, birth=born, sequence=used[(born, female)],
                              female=female), born

    def person(member_id: str, relation: str, born: date, female: bool, surname: str):
        number, born = id_number(born, female)
        age = 2026 - born.year
        student = 6 <= age <= 22 and rng.random() < 0.9
        occupation = ("student" if student else "retired" if age >= 60 and rng.random() < 0.4
                      else rng.choice(["farming", "casual_work", "unemployed", "fixed_employment",
                                       "none"]))
        health = rng.choices(["healthy", "chronic_illness", "mild_disability",
                              "moderate_disability", "serious_illness", "severe_disability"],
                             [60, 20, 6, 5, 5, 4])[0]
        member: dict[str, Any] = {
            "member_id": member_id, "name": surname + "".join(rng.sample(GIVEN, 2)),
            "id_number": number, "relation": relation, "birth_date": born.isoformat(),
            "health": health, "occupation": occupation,
        }
        if student:
            member["in_school"] = True
            member["school_level"] = ("primary" if age < 12 else "junior" if age < 15
                                      else "senior" if age < 18 else "university")
        if health in ("severe_disability", "serious_illness"):
            member["care_level"] = rng.choice(["partial", "full"])
        income = {}
        if occupation in ("farming", "casual_work", "fixed_employment"):
            income["wages" if occupation != "farming" else "business"] = _money(rng, 2000, 30000)
        if occupation == "retired" or age >= 60:
            income["pension"] = _money(rng, 1200, 6000)
        if income:
            member["income"] = income
        return member

    def birth(low: int, high: int) -> date:
        return date(2026 - high, 1, 1) + timedelta(days=rng.randrange((high - low) * 365))

    for index in range(1, n + 1):
        surname = rng.choice(SURNAMES)
        head_female = rng.random() < 0.3
        head_born = birth(25, 85)
        members = [person("M1", "head", head_born, head_female, surname)]
        if rng.random() < 0.6:
            members.append(person("M2", "spouse", head_born + timedelta(days=rng.randrange(-1500, 1500)),
                                  not head_female, rng.choice(SURNAMES)))
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
            child_born = head_born + timedelta(days=365 * rng.randrange(20, 35))
            if child_born < date(2025, 1, 1):
                members.append(person(f"M{len(members) + 1}", "child", child_born,
                                      rng.random() < 0.5, surname))
        if rng.random() < 0.1:
            members.append(person(f"M{len(members) + 1}", "parent",
                                  head_born - timedelta(days=365 * 25), True, surname))
        data: dict[str, Any] = {
            "household_id": f"BENCH{index:07d}",
            "region_code": villages[index % len(villages)],
            "area_type": "rural",
            "assessment_date": ASSESSMENT_DATE,
            "address": f"压测村{index % 50 + 1}组{index % 97 + 1}号",
            "phone": f"139{rng.randrange(10**8):08d}",
            "members": members,
            "supporters": [],
            "expenditures": {"medical": _money(rng, 0, 20000), "education": _money(rng, 0, 5000)},
            "assets": {"vehicles": [], "homes_owned": 1,
                       "housing_area_m2": Decimal(rng.randrange(300, 1500)) / 10,
                       "financial_assets": _money(rng, 0, 20000),
                       "contracted_land_mu": Decimal(rng.randrange(0, 100)) / 10},
            "flags": {"recent_hardship_event": rng.random() < 0.1},
        }
        if rng.random() < 0.3:
            data["supporters"].append({"name": surname + "".join(rng.sample(GIVEN, 2)),
                                       "relation": "child",
                                       "annual_income": _money(rng, 10000, 80000),
                                       "supports": ["M1"]})
        if rng.random() < 0.2:
            data["assets"]["vehicles"].append({"kind": rng.choice(["motorcycle", "farm", "car"]),
                                               "value": _money(rng, 500, 40000)})
        yield data


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100
