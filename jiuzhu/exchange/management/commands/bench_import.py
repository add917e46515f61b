"""``jiuzhu bench_import --households 10000``: time an Excel import of a county-sized file.

Builds a workbook of valid, realistic households (unique, valid ID numbers) in a temporary
directory, then imports it into the current database through the same job runner the
background task uses, inside a transaction that is rolled back at the end: the regions,
the user and every household it creates are gone afterwards. Prints one JSON line.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jiuzhu.accounts.models import User
from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.services import import_job_run
from jiuzhu.exchange.writer import workbook_write
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.regions.services import region_get_or_create

# ID numbers of bench households use an area code no real or demo household uses.
ID_AREA = "990199"
ASSESSMENT_DATE = "2026-03-01"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅志"


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time an Excel import of N generated households (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=20260301)
        parser.add_argument("--keep-file", type=Path, default=None,
                            help="also copy the generated workbook here")

    def handle(self, *args: Any, households: int, seed: int, keep_file: Path | None,
               **options: Any) -> None:
        rng = random.Random(seed)
        directory = Path(tempfile.mkdtemp(prefix="jiuzhu-bench-"))
        try:
            path = directory / "bench.xlsx"
            started = time.monotonic()
            villages = [f"990102{t:03d}{v:03d}" for t in (901, 902, 903) for v in (1, 2, 3)]
            workbook_write(path, _households(rng, households, villages))
            seconds_build = time.monotonic() - started
            if keep_file:
                shutil.copyfile(path, keep_file)
            result = self._import(path, villages)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        summary = result["summary"]
        self.stdout.write(json.dumps({
            "households": summary.get("households", 0),
            "members": summary.get("members", 0),
            "seconds_parse_validate": round(summary.get("seconds_parse", 0)
                                            + summary.get("seconds_validate", 0), 2),
            "seconds_write": round(summary.get("seconds_write", 0), 2),
            "seconds_total": round(result["seconds_total"], 2),
            # CPU time of this process (SQLite runs inside it): steadier than wall time on a
            # machine shared with other work.
            "cpu_seconds_total": round(result["cpu_seconds_total"], 2),
            "seconds_build_file": round(seconds_build, 2),
            "database": connection.vendor,
        }, ensure_ascii=False))
        if result["status"] != "done":
            raise CommandError(f"import failed: {result['message']} {result['errors'][:5]}")

    def _import(self, path: Path, villages: list[str]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        stored = ""
        try:
            with transaction.atomic():
                county = _bench_regions(villages)
                user = User.objects.create(username=f"bench-{time.time_ns()}", role="window_worker",
                                           region=county, full_name="压测")
                job = ImportJob(created_by=user, region=county, original_name=path.name,
                                size=path.stat().st_size)
                with path.open("rb") as source:
                    job.file.save("bench.xlsx", File(source), save=False)
                stored = job.file.name
                job.save()
                started, cpu_started = time.monotonic(), time.process_time()
                job = import_job_run(job_id=job.pk)
                result = {"seconds_total": time.monotonic() - started,
                          "cpu_seconds_total": time.process_time() - cpu_started,
                          "status": job.status,
                          "summary": job.summary, "message": job.message,
                          "errors": job.errors}
                raise _Rollback
        except _Rollback:
            pass
        finally:
            if stored:
                ImportJob.file.field.storage.delete(stored)
        return result


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
