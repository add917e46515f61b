"""Benchmark: every intake screen with N registered households (``jiuzhu bench_intake``).

N synthetic households (``jiuzhu.rules.synthetic``, fixed seed) are written in bulk into a
benchmark township of the demo county (as ``bench_reassess`` does), with varied names and
addresses, plus intake requests and items in every state; then each intake screen is
requested through the Django test client as the user who works it, and the server time
(median and p99, milliseconds) is reported per screen. The benchmark rows are removed
afterwards unless ``keep``.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.assessments.benchmark import bench_village, insert_households
from jiuzhu.catalogue.selectors import items_in_force
from jiuzhu.households.models import Household, Member
from jiuzhu.rules.synthetic import generate

from .choices import ItemState, Mode, RequestStatus
from .models import ItemStep, Request, RequestItem, Urge

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰"
BENCH_USERS = ("bench_window", "bench_jy", "bench_supervisor")
STATES = (ItemState.TRANSFERRED, ItemState.ACCEPTED, ItemState.MORE_REQUESTED,
          ItemState.RESUBMITTED, ItemState.FINISHED, ItemState.RETURNED)


def vary_household_names(village_pk: int) -> None:
    """Give members and heads varied names, and households addresses (one statement each)."""
    s, g = len(SURNAMES), len(GIVEN)
    # "%%" is the modulo operator in a statement with parameters (both backends).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE households_member SET name = "
            f"substr('{SURNAMES}', CAST((id %% {s}) + 1 AS INTEGER), 1) || substr('{GIVEN}', CAST(((id / {s}) %% {g}) + 1 AS INTEGER), 1)"
            f" || substr('{GIVEN}', CAST(((id / {s * g}) %% {g}) + 1 AS INTEGER), 1) "
            "WHERE household_id IN (SELECT id FROM households_household WHERE region_id = %s)",
            [village_pk])
        cursor.execute(
            "UPDATE households_household SET head_name = (SELECT m.name FROM households_member m "
            "WHERE m.household_id = households_household.id AND m.position = 0), "
            "address = '基准村' || CAST(id %% 300 AS TEXT) || '组' || CAST(id %% 97 AS TEXT) || '号' "
            "WHERE region_id = %s", [village_pk])


def _users(village: Any) -> dict[str, User]:
    town, county = village.parent, village.parent.parent
    spec = {"bench_window": ("window_worker", town, ""),
            "bench_jy": ("department_officer", county, "JY"),
            "bench_supervisor": ("supervisor", county, "")}
    out = {}
    for name, (role, region, department) in spec.items():
        user, _ = User.objects.update_or_create(username=name, defaults={
            "role": role, "region": region, "department": department, "full_name": name,
            "is_active": True})
        out[name] = user
    return out


def fill_intake(village: Any, households: list[int], user: User, requests: int) -> list[int]:
    """``requests`` requests of two transferred items each, in every state and alert, plus
    online requests awaiting the window; returns the request pks."""
    today = timezone.localdate()
    catalogue = [i for i in items_in_force(today) if not i.program]
    town = village.parent
    rows = []
    for n in range(requests):
        online = n % 10 == 0
        rows.append(Request(
            number=f"SLBENCH{n:08d}", query_code=f"B{n:07d}"[:8], channel="window" if not online else "online",
            household_id=None if online else households[n % len(households)],
            household_data={"region_code": village.code} if online else {},
            requested_items=["JY02", "CL01"], applicant_name="基准申请人", region=town,
            region_path=village.path, received_on=today - timedelta(days=n % 40),
            status=RequestStatus.AWAITING_WINDOW if online else RequestStatus.OPEN,
            created_by=user))
    Request.objects.bulk_create(rows, batch_size=2000)
    made = list(Request.objects.filter(number__startswith="SLBENCH").values_list("pk", "household_id", "received_on"))
    items = []
    for index, (pk, household, received) in enumerate(made):
        if household is None:
            continue
        for k in range(2):
            item = catalogue[(index + k * 7) % len(catalogue)] if k else next(
                i for i in catalogue if i.department.code == "JY")
            state = STATES[(index + k) % len(STATES)]
            items.append(RequestItem(
                request_id=pk, item=item, item_code=item.code, item_name=item.name,
                department_code=item.department.code, mode=Mode.TRANSFER, household_id=household,
                region_path=village.path, materials=item.materials[:1], state=state,
                limit=item.limit, started_on=received, due_date=received + timedelta(days=item.limit),
                # received over 40 days: red, yellow and none mixed (computed when read)
                yellow_on=received + timedelta(days=2 * item.limit // 3 + 1)))
    RequestItem.objects.bulk_create(items, batch_size=2000)
    item_pks = list(RequestItem.objects.filter(request__number__startswith="SLBENCH").values_list("pk", flat=True))
    ItemStep.objects.bulk_create([ItemStep(item_id=pk, action="transfer", to_state="transferred",
                                           actor_name="bench", on=today) for pk in item_pks],
                                 batch_size=2000)
    Urge.objects.bulk_create([Urge(item_id=pk, supervisor_name="bench", message="请加快办理")
                              for pk in item_pks[::25]], batch_size=2000)
    return [pk for pk, _h, _r in made]


def _remove(village: Any) -> None:
    with connection.cursor() as cursor:
        for table in ("intake_urge", "intake_itemstep", "intake_cohandler"):
            cursor.execute(f"DELETE FROM {table} WHERE item_id IN (SELECT i.id FROM intake_requestitem i "
                           "JOIN intake_request r ON r.id = i.request_id WHERE r.number LIKE 'SLBENCH%%')")
        cursor.execute("DELETE FROM intake_requestitem WHERE request_id IN "
                       "(SELECT id FROM intake_request WHERE number LIKE 'SLBENCH%%')")
        cursor.execute("DELETE FROM intake_request WHERE number LIKE 'SLBENCH%%'")
        ids = "SELECT id FROM households_household WHERE region_id = %s"
        for table in ("assessments_standing", "households_member", "households_supporter",
                      "households_vehicle", "households_historicalhousehold"):
            try:
                with transaction.atomic():
                    cursor.execute(f"DELETE FROM {table} WHERE household_id IN ({ids})"
                                   if table != "households_historicalhousehold" else
                                   f"DELETE FROM {table} WHERE region_id = %s", [village.pk])
            except Exception:  # noqa: BLE001 - a table a deployment does not have
                continue
        cursor.execute("DELETE FROM households_household WHERE region_id = %s", [village.pk])
    # A user with audit events is deactivated, never deleted (AuditEvent.actor is PROTECT).
    from jiuzhu.audit.models import AuditEvent

    users = User.objects.filter(username__in=BENCH_USERS)
    audited = AuditEvent.objects.filter(actor__in=users).values("actor_id")
    users.filter(pk__in=audited).update(is_active=False)
    users.exclude(pk__in=audited).delete()


def _time(client: Client, url: str, repeat: int) -> dict[str, float]:
    """Wall-clock and CPU time of ``repeat`` requests (CPU time is the server's own work,
    unaffected by other processes on a busy machine; SQLite runs in-process)."""
    client.get(url)  # warm (templates, caches)
    wall, cpu = [], []
    status = 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        status = response.status_code
    wall.sort()
    cpu.sort()

    def p99(values: list[float]) -> float:
        return round(values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))], 1)

    return {"median_ms": round(statistics.median(wall), 1), "p99_ms": p99(wall),
            "cpu_median_ms": round(statistics.median(cpu), 1), "cpu_p99_ms": p99(cpu),
            "status": status}


def bench_intake(n: int, *, requests: int = 5_000, repeat: int = 30, keep: bool = False) -> dict[str, Any]:
    village = bench_village()
    _remove(village)
    first_pk = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.perf_counter()
    with transaction.atomic():
        insert_households(generate(n), village, first_pk)
        vary_household_names(village.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('households_household', 'id'), "
                           "(SELECT MAX(id) FROM households_household))")
    users = _users(village)
    households = list(Household.objects.filter(region=village).values_list("pk", flat=True)[:requests])
    with transaction.atomic():
        request_pks = fill_intake(village, households, users["bench_window"], requests)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds_fill = time.perf_counter() - started

    sample = Household.objects.filter(region=village).order_by("pk")[n // 2]
    member = Member.objects.filter(household=sample, position=0).first()
    opened = Request.objects.filter(pk__in=request_pks, status=RequestStatus.OPEN).order_by("pk").first()
    assert member is not None and opened is not None, "the filled village has members and open requests"
    screens: list[tuple[str, str, str]] = [
        ("create", "bench_window", reverse("intake:create")),
        ("create_prefilled", "bench_window",
         reverse("intake:create") + f"?household={sample.pk}&items=MZ01&items=JY02&items=CL01"),
        ("search_id_number", "bench_window",
         reverse("intake:household_search") + f"?q={member.id_number}"),
        ("search_name_prefix", "bench_window",
         reverse("intake:household_search") + f"?q={member.name[:2]}"),
        ("search_address", "bench_window", reverse("intake:household_search") + "?q=基准村17组"),
        ("receipt", "bench_window", reverse("intake:receipt", args=[opened.pk])),
        ("queue", "bench_window", reverse("intake:queue")),
        ("detail", "bench_window", reverse("intake:detail", args=[opened.pk])),
        ("inbox", "bench_jy", reverse("intake:inbox")),
        ("overdue", "bench_supervisor", reverse("intake:overdue")),
        ("track", "", reverse("selfservice:track") + f"?code={opened.query_code}"),
    ]
    clients = {}
    for name in BENCH_USERS:
        client = Client()
        client.force_login(users[name])
        clients[name] = client
    clients[""] = Client()
    # Static URLs without a collectstatic manifest (a scratch database has none).
    plain = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        results = {name: _time(clients[who], url, repeat) for name, who, url in screens}
    if not keep:
        with transaction.atomic():
            _remove(village)
    worst = max(r["p99_ms"] for r in results.values())
    worst_median = max(r["median_ms"] for r in results.values())
    return {"households": n, "requests": requests, "database": connection.vendor,
            "seconds_fill": round(seconds_fill, 1), "repeat": repeat, "screens": results,
            "worst_median_ms": worst_median, "worst_p99_ms": worst,
            "worst_cpu_p99_ms": max(r["cpu_p99_ms"] for r in results.values()),
            "all_within_200ms": worst <= 200,
            "all_cpu_within_200ms": max(r["cpu_p99_ms"] for r in results.values()) <= 200,
            "load_average": [round(x, 2) for x in os.getloadavg()]}
