"""The heavy reads of a worker's day answer from an index, not by reading a whole table
(issue #15, 6): searching a household by ID number and by name at the window and on the
registry page, opening a household, the officer's inbox.

A plan depends on the rows a table holds: a table of ten rows is read whole whatever the
indexes. So the registry here holds 3,000 households of two townships (with members) and
3,000 request items, one item of each department, statistics gathered (``ANALYZE``), and then on
PostgreSQL each statement is run under ``EXPLAIN ANALYZE`` with sequential scans
discouraged (``enable_seqscan = off``), and a step that reads a quarter of a big table's
rows or more — returned or read and dropped by a filter — is a whole-table read, however it
got there (a sequential scan, or an index walked end to end for its order); on SQLite,
``EXPLAIN QUERY PLAN`` (``SCAN t`` reads the table ``t`` whole, ``SEARCH`` looks rows up)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db

BIG = ("households_household", "households_member", "intake_requestitem", "intake_request")
HOUSEHOLDS = 3000
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英明华志强丽芳小红伟军海燕春玲德福"
COUNTY_HOUSEHOLDS, TOWNSHIPS = 30_000, 10


def whole_table_reads(read: Callable[[], Any]) -> list[str]:
    """The big tables a read goes through whole (or nearly: a quarter of their rows or
    more), each with the statement that does it."""
    with CaptureQueriesContext(connection) as captured:
        read()
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]  # as run, its values inlined
        if sql.lstrip().upper().startswith("SELECT"):
            with transaction.atomic():
                found += [f"{read}\n    in {sql[:300]}" for read in _whole_reads(sql)]
    return found


def _whole_reads(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # run, to count the rows each step reads: those it returns plus those it read
            # and dropped
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            return [f"{table}: {how} reads {rows} of {_rows(table)} rows"
                    for table, how, rows in _pg_reads(plan[0]["Plan"])
                    if rows >= _rows(table) / 4]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        # "SCAN t" reads t whole (in the order of an index, if one is named); "SEARCH t …"
        # looks rows up
        return [f"{table}: {row[-1]}" for row in cursor.fetchall() for table in BIG
                if str(row[-1]).startswith(f"SCAN {table}")]


def _pg_reads(node: dict[str, Any]) -> list[tuple[str, str, int]]:
    out = []
    if node.get("Relation Name") in BIG:
        rows = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)) * node.get("Actual Loops", 1)
        out.append((node["Relation Name"], node["Node Type"], int(rows)))
    for child in node.get("Plans", []):
        out += _pg_reads(child)
    return out


def _rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return int(cursor.fetchone()[0])


@pytest.fixture
def registry(tree):
    from jiuzhu.catalogue.models import Item
    from jiuzhu.households.models import Household, Member
    from jiuzhu.intake.models import Request, RequestItem

    towns = [tree["village1"], tree["village2"]] if "village2" in tree else [tree["village1"]]
    households = []
    for n in range(HOUSEHOLDS):
        village = towns[n % len(towns)]
        households.append(Household(
            household_id=f"H{village.code}{n:05d}", region=village, region_path=village.path,
            area_type="rural", assessment_date=date(2026, 3, 1),
            head_name=SURNAMES[n % 20] + f"{n:04d}", address=f"{village.name}{n % 40}组",
            member_count=2))
    Household.objects.bulk_create(households, batch_size=1000)
    households = list(Household.objects.order_by("pk"))
    members = []
    for n, household in enumerate(households):
        for m in range(2):
            members.append(Member(
                household=household, position=m, member_id=f"M{m + 1}",
                name=household.head_name if m == 0 else SURNAMES[(n + 7) % 20] + f"{n:04d}",
                id_number=f"990102{1950 + n % 50}0101{n:03d}{m}"[:17] + "X",
                relation="head" if m == 0 else "spouse", birth_date=date(1970, 1, 1),
                health="healthy", occupation="farming"))
    Member.objects.bulk_create(members, batch_size=1000)
    items = list({item.department_id: item for item in Item.objects.exclude(department=None)
                  .select_related("department").order_by("-pk")}.values())  # one a department
    requests, request_items = [], []
    for n, household in enumerate(households):
        requests.append(Request(number=f"R{n:06d}", query_code=f"{n:08d}", household=household,
                                channel="window", applicant_name=household.head_name,
                                region=household.region, region_path=household.region_path,
                                status="open", received_on=date(2026, 3, 2)))
    Request.objects.bulk_create(requests, batch_size=1000)
    for n, request in enumerate(Request.objects.order_by("pk")):
        item = items[n % len(items)]
        request_items.append(RequestItem(
            request=request, item=item, item_code=item.code, item_name=item.name,
            department_code=item.department.code, mode="transfer",
            household_id=request.household_id, region_path=request.region_path,
            state=("transferred", "accepted", "finished", "refused")[n % 4], limit=10,
            started_on=date(2026, 3, 2), due_date=date(2026, 3, 16)))
    RequestItem.objects.bulk_create(request_items, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"households": households, "members": members, "department": items[0].department}


def test_the_window_finds_a_household_by_id_number_and_by_name_from_indexes(registry, tree):
    from jiuzhu.households.models import Member
    from jiuzhu.intake.selectors import household_find

    worker = UserFactory(username="window1", role="window_worker", region=tree["town1"])
    member = Member.objects.order_by("pk")[1500]
    assert [h.pk for h in household_find(user=worker, q=member.id_number)] == [member.household_id]
    assert whole_table_reads(lambda: household_find(user=worker, q=member.id_number)) == []
    assert member.household_id in [h.pk for h in household_find(user=worker, q=member.name)]
    assert whole_table_reads(lambda: household_find(user=worker, q=member.name)) == []


def test_a_household_page_reads_its_household_and_members_from_indexes(registry, tree):
    from jiuzhu.households.selectors import household_get

    worker = UserFactory(username="window1", role="window_worker", region=tree["town1"])
    household = registry["households"][1200]

    def read() -> None:
        found = household_get(user=worker, pk=household.pk)
        list(found.members.all())

    assert whole_table_reads(read) == []


def test_the_officers_inbox_reads_its_department_from_an_index(registry, tree):
    from jiuzhu.intake.selectors import officer_inbox

    department = registry["department"]
    officer = UserFactory(username="officer1", role="department_officer", region=tree["county"],
                          department=department.code)
    assert list(officer_inbox(officer))
    assert whole_table_reads(lambda: list(officer_inbox(officer)[:50])) == []


@pytest.fixture
def registry_of_a_county(tree):
    """30,000 households of ten townships with 60,000 members, written by SQL (PostgreSQL
    only): a GIN index costs more to start than a B-tree, and 3,000 rows are read whole more
    cheaply. Varied names (王建国, 李秀英 …) and addresses (第1村10组3号)."""
    from jiuzhu.households.models import Household, Member
    from jiuzhu.regions.services import region_get_or_create

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm and pattern indexes: PostgreSQL only")
    villages = [tree["village1"], tree["village2"]]
    for t in range(3, TOWNSHIPS + 1):
        town = region_get_or_create(code=f"990102{t:03d}", name=f"第{t}镇", level="township",
                                    parent=tree["county"])
        villages.append(region_get_or_create(code=f"{town.code}001", name=f"第{t}村",
                                             level="village", parent=town, area_type="rural"))
    template = Household.objects.create(
        household_id="T0", region=villages[0], region_path=villages[0].path, area_type="rural",
        assessment_date=date(2026, 3, 1), head_name="模板", member_count=2)
    Member.objects.create(household=template, position=0, member_id="M1", name="模板",
                          id_number="990102197001010011", relation="head",
                          birth_date=date(1970, 1, 1), health="healthy", occupation="farming")
    region = "CASE n %% {v} {cases} END".format(v=len(villages), cases=" ".join(
        f"WHEN {k} THEN {{{k}}}" for k in range(len(villages))))
    name = (f"substr('{SURNAMES}', (r %% 20)::int + 1, 1) || substr('{GIVEN}', (r / 20 %% 20)::int + 1, 1)"
            f" || substr('{GIVEN}', (r / 400 %% 20)::int + 1, 1)")
    _copy(Household, template.pk, "generate_series(1, %s) n", [COUNTY_HOUSEHOLDS], {
        "household_id": "'S' || lpad(n::text, 6, '0')",
        "region_id": region.format(*[v.pk for v in villages]),
        "region_path": region.format(*[f"'{v.path}'" for v in villages]),
        "address": region.format(*[f"'{v.name}'" for v in villages])
                   + " || (n %% 40) || '组' || (n %% 97) || '号'",
    })
    _copy(Member, Member.objects.get(household=template).pk,
          "households_household h, generate_series(0, 1) k, LATERAL (SELECT (substr(h.household_id, 2)::int * 2 + k) * 7919 %% 999983) x(r)",
          [], {"household_id": "h.id", "position": "k", "member_id": "'M' || (k + 1)",
               "name": name}, where="h.household_id LIKE 'S%%'")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE households_household h SET head_name = m.name FROM "
                       "households_member m WHERE m.household_id = h.id AND m.position = 0")
        cursor.execute("ANALYZE")


def _copy(model: Any, pk: int, rows: str, params: list[Any], values: dict[str, str],
          where: str = "TRUE") -> None:
    """INSERT a row for each of ``rows``: the template row ``pk``'s values, but ``values``."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    select = ", ".join(values.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {rows},"
                       f" {table} t WHERE t.id = %s AND {where}", [*params, pk])


def test_the_registry_search_reads_names_and_addresses_from_indexes(registry_of_a_county, tree):
    """The registry page's search (``household_search``): three characters or more anywhere
    in the names and the address (pg_trgm indexes), one or two at the start of a name or of
    its given name (pattern indexes); in a township and province-wide; counted and its first
    page read. (On SQLite it scans: a county's registry is small enough.)"""
    from jiuzhu.households.models import Household
    from jiuzhu.households.selectors import household_search

    users = {"township": UserFactory(username="window1", role="window_worker",
                                     region=tree["town1"]),
             "province": UserFactory(username="root", role="administrator",
                                     region=tree["province"], is_superuser=True)}
    # queries a household of the township answers (the names follow the generated ids)
    sample = (Household.objects.within(tree["town1"]).filter(household_id__startswith="S")
              .order_by("household_id")[100])
    name, address = sample.head_name, sample.address
    queries = (name, address[address.index("村") + 1:], name[1:], name[:2])
    reads = {}
    for scope, user in users.items():
        for q in queries:
            found = household_search(user=user, q=q)
            assert found.exists(), (scope, q)

            def read(found=found) -> None:
                found.count()
                list(found[:25])

            reads[scope, q] = whole_table_reads(read)
    assert reads == {key: [] for key in reads}


def test_the_check_sees_a_whole_table_read(registry, tree):
    """A filter on a column no index serves (here the medical expenses) reads the whole
    households table: the check must say so, or it would pass anything."""
    from jiuzhu.households.models import Household

    reads = whole_table_reads(lambda: Household.objects.filter(medical=123_456).count())
    assert any(read.startswith("households_household") for read in reads), reads
