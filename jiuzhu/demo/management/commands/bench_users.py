"""``jiuzhu bench_users``: the users of the load test (``bench/locustfile.py``, ``make
bench-load``) and the search terms they type, as JSON for the load test.

The generated province 98 of ``jiuzhu bench_dashboard --keep`` (1,000,000 households) has no
assistance parameters (its counties are not in ``jiuzhu/rules/parameters``), so the
households the window workers work with are ``--households`` complete synthetic ones (the
engine's generator, as ``bench_intake``) in the benchmark village of the demo county
(990102099001, ``assessments.benchmark.bench_village``), written once, in the same tables
beside the province: their searches, pages and 大处方 run over the whole registry. Users:
window workers of that township (``bench_window01`` …), the demo county's 教育局 officer
(``bench_officer``, with ``--requests`` requests in the inbox: the intake benchmark's filler,
once) and a supervisor of the province's first county (``bench_supervisor``, the dashboard
of 1,000,000 households' snapshots). Every password is ``--password``. Safe to run again.
For a scratch database only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jiuzhu.accounts.models import User
from jiuzhu.households.models import Household, Member
from jiuzhu.intake.models import Request
from jiuzhu.regions.models import Region

PASSWORD = "Jiuzhu@2026"
SAMPLES = 200  # households per township whose ID number, name and pages the users open


class Command(BaseCommand):
    help = ("Load-test users (window workers, an officer, a supervisor) with their households "
            "and search terms, as JSON (scratch databases only)")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--county", default="980101",
                            help="the supervisor's county (bench_dashboard's province)")
        parser.add_argument("--windows", type=int, default=5, help="window worker accounts")
        parser.add_argument("--households", type=int, default=20_000,
                            help="complete households of the window workers (written once)")
        parser.add_argument("--password", default=PASSWORD)
        parser.add_argument("--requests", type=int, default=2000,
                            help="intake requests for the officer's inbox (added once)")
        parser.add_argument("--out", default="", help="write the JSON here (else stdout)")

    def handle(self, *args: Any, county: str, windows: int, households: int, password: str,
               requests: int, out: str, **options: Any) -> None:
        from jiuzhu.assessments.benchmark import bench_village

        dashboard = Region.objects.filter(code=county, level="county").first()
        if dashboard is None:
            raise CommandError(f"county {county} not found: run `jiuzhu bench_dashboard "
                               "--households N --keep` on this database first")
        village = bench_village()
        town = village.parent
        demo_county = town.parent if town is not None else None
        assert town is not None and demo_county is not None  # bench_village makes them
        if not Household.objects.filter(region=village).exists():
            self._households(village, households)
        self._valid_id_numbers(village)
        with transaction.atomic():
            windows_users = [self._user(f"bench_window{n:02d}", "window_worker", town, "",
                                        password) for n in range(1, windows + 1)]
            officer = self._user("bench_officer", "department_officer", demo_county, "JY",
                                 password)
            supervisor = self._user("bench_supervisor", "supervisor", dashboard, "", password)
        samples = self._samples(village)
        users: list[dict[str, Any]] = [
            {"username": u.username, "role": "window", **samples} for u in windows_users]
        users.append({"username": officer.username, "role": "officer"})
        users.append({"username": supervisor.username, "role": "supervisor",
                      "dashboard": dashboard.code})
        if requests and not Request.objects.filter(number__startswith="SLBENCH",
                                                   region=town).exists():
            from jiuzhu.intake.benchmark import fill_intake

            self._remove_requests()
            pks = list(Household.objects.filter(region=village)
                       .values_list("pk", flat=True)[:requests])
            with transaction.atomic():
                fill_intake(village, pks, windows_users[0], requests)
        text = json.dumps({"county": county, "password": password, "users": users},
                          ensure_ascii=False)
        if out:
            path = Path(out)
            path.write_text(text, encoding="utf-8")
            path.chmod(0o600)
            self.stderr.write(f"{len(users)} users written to {path}")
        else:
            self.stdout.write(text)

    @staticmethod
    def _households(village: Region, n: int) -> None:
        """``n`` complete synthetic households in ``village``, with varied names (as
        ``bench_intake`` fills its village)."""
        from jiuzhu.assessments.benchmark import insert_households
        from jiuzhu.intake.benchmark import vary_household_names
        from jiuzhu.rules.synthetic import generate

        first_pk = (Household.objects.order_by("-pk").values_list("pk", flat=True).first()
                    or 0) + 1
        with transaction.atomic():
            insert_households(generate(n), village, first_pk)
            vary_household_names(village.pk)
        if connection.vendor == "postgresql":
            for table in ("households_household", "households_member"):
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT MAX(id) FROM {table}))")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    @staticmethod
    def _valid_id_numbers(village: Region) -> None:
        """The generator's ID numbers are placeholders (no real birth date or check digit),
        which the 大处方's validation refuses: each member gets a valid one from its birth
        date (through the ORM, so sealed and indexed)."""
        from jiuzhu.rules.validation import id_check_character

        head = Member.objects.filter(household__region=village, position=0).first()
        if head is None or (head.id_number and head.birth_date and
                            head.id_number[6:14] == f"{head.birth_date:%Y%m%d}"):
            return
        members = list(Member.objects.filter(household__region=village)
                       .only("pk", "birth_date", "id_number").order_by("pk"))
        for member in members:
            first17 = f"990102{member.birth_date:%Y%m%d}{member.pk % 1000:03d}"
            member.id_number = first17 + id_check_character(first17)
        with transaction.atomic():
            Member.objects.bulk_update(members, ["id_number"], batch_size=2000)

    @staticmethod
    def _remove_requests() -> None:
        """The intake benchmark's requests elsewhere (their numbers would collide)."""
        with connection.cursor() as cursor:
            for table in ("intake_urge", "intake_itemstep", "intake_cohandler"):
                cursor.execute(f"DELETE FROM {table} WHERE item_id IN (SELECT i.id FROM "
                               "intake_requestitem i JOIN intake_request r ON r.id = "
                               "i.request_id WHERE r.number LIKE 'SLBENCH%%')")
            cursor.execute("DELETE FROM intake_requestitem WHERE request_id IN "
                           "(SELECT id FROM intake_request WHERE number LIKE 'SLBENCH%%')")
            cursor.execute("DELETE FROM intake_request WHERE number LIKE 'SLBENCH%%'")

    @staticmethod
    def _user(username: str, role: str, region: Region, department: str,
              password: str) -> User:
        user, _created = User.objects.update_or_create(username=username, defaults={
            "role": role, "region": region, "department": department, "full_name": username,
            "is_active": True})
        user.set_password(password)
        user.save()
        return user

    @staticmethod
    def _samples(village: Region) -> dict[str, Any]:
        """``SAMPLES`` households of the village: their pks, their heads' ID numbers and
        names."""
        pks = list(Household.objects.filter(region=village).order_by("pk")
                   .values_list("pk", flat=True)[::97][:SAMPLES])
        heads = Member.objects.filter(household_id__in=pks, position=0).only(
            "household_id", "id_number", "name")
        return {"households": pks,
                "id_numbers": [m.id_number for m in heads if m.id_number],
                "names": [m.name for m in heads if m.name]}
