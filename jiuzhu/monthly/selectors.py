"""The 月报 (60-monitoring.md §Monthly statistics): six tables for a region and a month,
computed from the registry, the decisions and the payrolls — never typed in.

Definitions (each in one place, here)
-------------------------------------
- **Who and how much** is ``applications/receiving.py``: a programme's households and
  money in a month are the payments of confirmed payrolls of that month (``paid_in``);
  低收入 (MZ02) recognitions valid in the month come from ``recipients_in``.
- **Persons** are the members of a household registered then (members born after the
  month's last day are left out); ages are taken on the month's last day: 老年人 ≥ 60,
  未成年人 < 18; 女性 by the ID number's 17th digit (even); 残疾人 any disability grade.
- **保障标准** and the 特困 **基本生活标准** are the rules engine's dated parameters of the
  row's county in force on the month's last day (``dibao_standard_urban``/``_rural``;
  basic = ``tekun_basic_ratio`` × the standard, rounded half up to the yuan, urban and rural).
- **特困** 集中/分散供养: the registry records no institution yet; every case counts as
  分散供养 unless ``receiving`` annotates ``tekun_kind`` = ``"concentrated"``.
- **临时救助** 人次 = payments of MZ04/MZ05 in the month; 急难型 = MZ05, 支出型 = MZ04;
  非本地户籍 = the household head's ID number was not issued in the county of the case
  (its first six digits differ from the county's code).
- **低收入人口** = the recognised 低保边缘 households (MZ02 valid in the month) plus, 其中
  纳入监测, the households of information circles 3–4 (``assessments.Standing.circle``, or a
  纳入监测 record open at the month's end) that receive nothing that month and are not
  vetoed. The circles are today's (the registry keeps no monthly circle): a closed month
  keeps those of its closing day.
- **一门受理** per lead department: 受理件数 = items of requests received in the month;
  办结 = items finished in the month (``finished_on``, result given); 按时办结率 = finished
  by their due date / 办结; 转办 = received items transferred; 协办 = co-handling shares of
  the department on items received in the month; 超时 = items still open at the month's
  end (or today, for the current month) past their due date.
- **Averages** are rounded half up to 2 decimals of yuan (fen), sums are exact fen.

Rows are the region's direct sub-regions, then the region's total. Money is integer fen in
the dict (it is stored as JSON when a month is closed); ``present`` formats it.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from jiuzhu.applications import receiving
from jiuzhu.assessments.models import Monitoring, Standing
from jiuzhu.catalogue.models import Department
from jiuzhu.core.access import report_denied, visible_path
from jiuzhu.core.routers import on_replica, replica_alias
from jiuzhu.households.models import Household, Member
from jiuzhu.intake.choices import ItemState, Mode, RequestStatus
from jiuzhu.intake.models import CoHandler, RequestItem
from jiuzhu.payments.models import Payment
from jiuzhu.regions.models import Region
from jiuzhu.rules.money import FEN_PER_YUAN
from jiuzhu.rules.parameters import ParameterError, parameters_for

from .models import MonthlyReport, ReportDraft

#: Bumped when the figures' layout changes (a stored month keeps the version it was made with).
FIGURES_VERSION = 1

PERSON_KEYS = ("households", "persons", "female", "elderly", "minors", "disabled")
DIBAO = (receiving.URBAN_DIBAO, receiving.RURAL_DIBAO)
DISABILITIES = ("mild_disability", "moderate_disability", "severe_disability")
EVEN_DIGITS = ("0", "2", "4", "6", "8")
TOTAL = "total"


# --- months ----------------------------------------------------------------------------------


def month_first(day: date) -> date:
    return day.replace(day=1)


def month_last(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> date | None:
    """``"2026-11"`` → 2026-11-01; anything else → None."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-":
        return None
    try:
        return date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def half_up(fen: int, count: int) -> int | None:
    """``fen / count`` rounded half up to the fen (None for no count)."""
    if not count:
        return None
    return (2 * fen + count) // (2 * count)


# --- rows ------------------------------------------------------------------------------------


def sub_regions(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


class _Rows:
    """Maps a region path inside ``region`` to the code of the sub-region row holding it."""

    def __init__(self, region: Region, children: list[Region]):
        self.prefix = region.path
        self.codes = {child.code for child in children}

    def key(self, path: str) -> str | None:
        if not path.startswith(self.prefix):
            return None
        code = path[len(self.prefix):].split("/", 1)[0]
        return code if code in self.codes else None


def _blank(keys: Iterable[str]) -> dict[str, int]:
    return {key: 0 for key in keys}


def _add(table: dict[str, dict[str, int]], row: str | None, values: dict[str, int]) -> None:
    for target in (TOTAL, row) if row else (TOTAL,):
        bucket = table[target]
        for key, value in values.items():
            bucket[key] = bucket.get(key, 0) + value


# --- persons of households -------------------------------------------------------------------


def _persons(household_ids: Iterable[int], last: date) -> dict[int, dict[str, int]]:
    """Per household: persons, female, elderly (≥ 60), minors (< 18) and disabled on ``last``."""
    ids = list(set(household_ids))
    if not ids:
        return {}
    elderly_born_by, minors_born_after = _years_before(last, 60), _years_before(last, 18)
    out: dict[int, dict[str, int]] = {}
    for start in range(0, len(ids), 5000):
        # Sex is the 17th digit of the ID number, which is encrypted at rest (core.crypto):
        # counted here, not by the database.
        rows = (Member.objects.filter(household_id__in=ids[start:start + 5000],
                                      birth_date__lte=last)
                .values_list("household_id", "id_number", "birth_date", "health"))
        for household_id, id_number, birth_date, health in rows:
            row = out.setdefault(household_id, {"persons": 0, "female": 0, "elderly": 0,
                                                "minors": 0, "disabled": 0})
            row["persons"] += 1
            row["female"] += id_number[16:17] in EVEN_DIGITS
            row["elderly"] += birth_date <= elderly_born_by
            row["minors"] += birth_date > minors_born_after
            row["disabled"] += health in DISABILITIES
    return out


def _heads(household_ids: Iterable[int]) -> dict[int, str]:
    """The head's ID number of each household (the first member when no head is named)."""
    out: dict[int, str] = {}
    for household_id, relation, id_number in (
            Member.objects.filter(household_id__in=set(household_ids))
            .order_by("household_id", "position", "pk")
            .values_list("household_id", "relation", "id_number")):
        if relation == "head" or household_id not in out:
            out[household_id] = id_number
    return out


# --- standards -------------------------------------------------------------------------------


def _county_codes(region: Region) -> list[str]:
    if region.level in ("province", "city"):
        return list(Region.objects.within(region).filter(level="county")
                    .order_by("code").values_list("code", flat=True))
    return [region.code[:6]]


def _standards(region: Region, last: date) -> dict[str, list[int]]:
    """The standards (fen per person and month) in force on ``last`` in the region's
    counties: ``{"urban_dibao": [...], "rural_dibao": [...], "tekun_urban": [...],
    "tekun_rural": [...]}`` (one value per county that has parameters)."""
    out: dict[str, list[int]] = {"urban_dibao": [], "rural_dibao": [], "tekun_urban": [],
                                 "tekun_rural": []}
    for county in _county_codes(region):
        try:
            params = parameters_for(county, last)
        except ParameterError:
            continue
        ratio = params["tekun_basic_ratio"]
        for area in ("urban", "rural"):
            standard = params[f"dibao_standard_{area}"]
            out[f"{area}_dibao"].append(int(standard * FEN_PER_YUAN))
            basic_yuan = int((ratio * standard * 2 + 1) // 2)  # half up to the yuan
            out[f"tekun_{area}"].append(basic_yuan * FEN_PER_YUAN)
    return out


def _span(values: list[int]) -> list[int]:
    """``[min, max]`` of the values (``[]`` when none)."""
    return [min(values), max(values)] if values else []


# --- the six tables --------------------------------------------------------------------------


def _monthly_tables(region: Region, month: date, rows: _Rows, standards: dict[str, dict[str, list[int]]]
                    ) -> dict[str, Any]:
    last = month_last(month)
    payments = list(receiving.paid_in(month, region=region)
                    .filter(programme__in=[*DIBAO, receiving.TEKUN])
                    .values_list("programme", "region_path", "household_id", "amount"))
    persons = _persons((p[2] for p in payments), last)
    out: dict[str, Any] = {}
    for programme in (*DIBAO, receiving.TEKUN):
        keys = (*PERSON_KEYS, "expenditure", "concentrated", "dispersed") if \
            programme == receiving.TEKUN else (*PERSON_KEYS, "expenditure")
        table: dict[str, dict[str, int]] = defaultdict(lambda k=keys: _blank(k))  # type: ignore[misc]
        for code in (TOTAL, *sorted(rows.codes)):  # every row shows its standard
            table[code] = _blank(keys)
        seen: set[tuple[str, int]] = set()
        for code, path, household_id, amount in payments:
            if code != programme:
                continue
            row = rows.key(path)
            values: dict[str, int] = {"expenditure": int(amount * FEN_PER_YUAN)}
            if (code, household_id) not in seen:
                seen.add((code, household_id))
                members = persons.get(household_id, {})
                values.update({"households": 1, **{k: members.get(k, 0) for k in PERSON_KEYS[1:]}})
                if programme == receiving.TEKUN:
                    values["dispersed"] = members.get("persons", 0)
            _add(table, row, values)
        out[programme] = _finish(table, programme, standards)
    return out


def _finish(table: dict[str, dict[str, int]], programme: str,
            standards: dict[str, dict[str, list[int]]]) -> dict[str, Any]:
    for key, figures in table.items():
        figures["average"] = half_up(figures["expenditure"], figures["persons"]) or 0
        found = standards.get(key, {})
        if programme == receiving.TEKUN:
            figures["standard_urban"] = _span(found.get("tekun_urban", []))  # type: ignore[assignment]
            figures["standard_rural"] = _span(found.get("tekun_rural", []))  # type: ignore[assignment]
        else:
            figures["standard"] = _span(found.get(programme, []))  # type: ignore[assignment]
    return dict(table)


def _temporary(region: Region, month: date, rows: _Rows) -> dict[str, Any]:
    keys = ("times", "emergency", "expense", "non_local", "expenditure", "households", "persons")
    table: dict[str, dict[str, int]] = defaultdict(lambda: _blank(keys))
    table[TOTAL] = _blank(keys)
    payments = list(receiving.paid_in(month, region=region)
                    .filter(programme=receiving.TEMPORARY)
                    .values_list("item_code", "region_path", "household_id", "amount"))
    heads = _heads(p[2] for p in payments)
    persons = _persons((p[2] for p in payments), month_last(month))
    seen: set[int] = set()
    for item_code, path, household_id, amount in payments:
        county = path.rstrip("/").rsplit("/", 1)[-1][:6]
        values = {
            "times": 1, "emergency": int(item_code == "MZ05"), "expense": int(item_code == "MZ04"),
            "non_local": int(heads.get(household_id, "")[:6] != county),
            "expenditure": int(amount * FEN_PER_YUAN)}
        if household_id not in seen:  # households and persons helped, each once
            seen.add(household_id)
            values.update(households=1, persons=persons.get(household_id, {}).get("persons", 0))
        _add(table, rows.key(path), values)
    for figures in table.values():
        figures["average"] = half_up(figures["expenditure"], figures["times"]) or 0
    return dict(table)


def _low_income(region: Region, month: date, rows: _Rows) -> dict[str, Any]:
    last = month_last(month)
    keys = ("households", "persons", "recognised_households", "recognised_persons",
            "monitored_households", "monitored_persons", "expenditure")
    table: dict[str, dict[str, int]] = defaultdict(lambda: _blank(keys))
    table[TOTAL] = _blank(keys)
    recipients = receiving.recipients_in(month, region=region)
    recognised = list(recipients.filter(**{"programme": receiving.LOW_INCOME})
                      .values_list("household_id", "region_path").distinct())
    receiving_ids = recipients.values("household_id")
    end = timezone.make_aware(datetime(last.year, last.month, last.day, 23, 59, 59))
    open_monitoring = Monitoring.objects.filter(household=OuterRef("pk"), started_at__lte=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=end))
    circle = Standing.objects.filter(household=OuterRef("pk"), circle__in=(3, 4))
    vetoed = Standing.objects.filter(household=OuterRef("pk")).exclude(vetoes=0)
    monitored = list(Household.objects.within(region).filter(status="active")
                     .filter(Exists(circle) | Exists(open_monitoring)).exclude(Exists(vetoed))
                     .exclude(pk__in=receiving_ids).values_list("pk", "region_path"))
    persons = _persons([h for h, _ in recognised] + [h for h, _ in monitored], last)
    seen: set[int] = set()
    for kind, households in (("recognised", recognised), ("monitored", monitored)):
        for household_id, path in households:
            if household_id in seen:
                continue
            seen.add(household_id)
            count = persons.get(household_id, {}).get("persons", 0)
            _add(table, rows.key(path), {"households": 1, "persons": count,
                                         f"{kind}_households": 1, f"{kind}_persons": count})
    return dict(table)


def _one_window(region: Region, month: date) -> dict[str, Any]:
    first, last = month, month_last(month)
    cutoff = min(last, timezone.localdate())
    keys = ("received", "finished", "on_time", "transferred", "cohandled", "overdue")
    departments = list(Department.objects.order_by("pk").values_list("code", "name"))
    table: dict[str, dict[str, int]] = {code: _blank(keys) for code, _ in departments}
    table[TOTAL] = _blank(keys)
    items = RequestItem.objects.within(region).exclude(request__status=RequestStatus.AWAITING_WINDOW)

    def count(qs: Any, key: str, field: str = "department_code") -> None:
        for code, n in qs.values_list(field).annotate(n=Count("pk")).values_list(field, "n"):
            if code in table:
                table[code][key] += n
            table[TOTAL][key] += n

    received = items.filter(request__received_on__range=(first, last))
    count(received, "received")
    count(received.filter(mode=Mode.TRANSFER), "transferred")
    finished = items.filter(state=ItemState.FINISHED, finished_on__range=(first, last))
    count(finished, "finished")
    count(finished.filter(Q(due_date__isnull=True) | Q(finished_on__lte=F("due_date"))), "on_time")
    count(CoHandler.objects.filter(item__in=received), "cohandled")
    count(items.filter(request__received_on__lte=cutoff, due_date__lt=cutoff)
          .filter(Q(finished_on__isnull=True) | Q(finished_on__gt=cutoff)), "overdue")
    for figures in table.values():
        # per mille, half up; -1: nothing finished
        figures["on_time_rate"] = half_up(figures["on_time"] * 1000, figures["finished"]) or (
            0 if figures["finished"] else -1)
    names = dict(departments)
    return {"rows": table, "names": names}


def compute(region: Region, month: date) -> dict[str, Any]:
    """The 月报 of ``region`` for ``month`` from the data as it stands now."""
    month = month_first(month)
    last = month_last(month)
    children = sub_regions(region)
    rows = _Rows(region, children)
    standards = {TOTAL: _standards(region, last)}
    for child in children:
        standards[child.code] = (_standards(child, last) if region.level in ("province", "city")
                                 else standards[TOTAL])
    figures: dict[str, Any] = {
        "version": FIGURES_VERSION,
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "month": f"{month:%Y-%m}",
        "rows": [{"code": child.code, "name": child.name} for child in children],
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }
    figures.update(_monthly_tables(region, month, rows, standards))
    figures[receiving.TEMPORARY] = _temporary(region, month, rows)
    figures[receiving.LOW_INCOME] = _low_income(region, month, rows)
    figures["one_window"] = _one_window(region, month)
    return figures


# --- closed months and notes -----------------------------------------------------------------


#: (table, figure) pairs compared for the notes (差异说明), with their Chinese labels.
NOTE_FIGURES: tuple[tuple[str, str], ...] = tuple(
    (table, key) for table in (*DIBAO, receiving.TEKUN)
    for key in ("households", "persons", "expenditure")) + (
    (receiving.TEMPORARY, "times"), (receiving.TEMPORARY, "expenditure"),
    (receiving.LOW_INCOME, "households"), (receiving.LOW_INCOME, "persons"))


def closed_report(region: Region, month: date) -> MonthlyReport | None:
    return (MonthlyReport.objects.using(replica_alias())
            .filter(region=region, month=month_first(month)).first())


def differences(region: Region, stored: MonthlyReport, current: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed in ``stored``'s month since it was closed: one note per figure of a
    row or the total that differs, with the reason when the data tells it (payments of
    that month registered or changed after the closing)."""
    notes: list[dict[str, Any]] = []
    names = {row["code"]: row["name"] for row in stored.figures.get("rows", [])}
    names[TOTAL] = region.name
    late = _late_payments(region, stored)
    for table, key in NOTE_FIGURES:
        before_table, now_table = stored.figures.get(table, {}), current.get(table, {})
        for row in [TOTAL, *[r["code"] for r in stored.figures.get("rows", [])]]:
            before = (before_table.get(row) or {}).get(key, 0)
            now = (now_table.get(row) or {}).get(key, 0)
            if before == now:
                continue
            numbers = sorted(late.get((table, row), set()))
            notes.append({"month": stored.figures.get("month", ""), "table": table, "figure": key,
                          "row": row, "row_name": names.get(row, row), "before": before,
                          "now": now, "difference": now - before, "applications": numbers[:20]})
    return notes


def _late_payments(region: Region, stored: MonthlyReport) -> dict[tuple[str, str], set[str]]:
    """Payments of the stored month created after it was closed, by (programme, row): the
    case numbers (补发/更正)."""
    children = {row["code"] for row in stored.figures.get("rows", [])}
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    late = (Payment.objects.within(region).filter(month=stored.month, created_at__gt=stored.closed_at)
            .annotate(programme=receiving.programme_expr("application__"))
            .values_list("programme", "region_path", "application__number"))
    for programme, path, number in late:
        code = path[len(region.path):].split("/", 1)[0] if path.startswith(region.path) else ""
        out[(programme, TOTAL)].add(number)
        if code in children:
            out[(programme, code)].add(number)
    return out


def report(region: Region, month: date, *, live: bool = False) -> dict[str, Any]:
    """The 月报 to show: a closed month's stored figures; else a county's draft (computed
    by the daily task: ``draft`` says when), a province's or city's the sum of its
    counties', any other region's (or ``live``) computed now — with the notes on the month
    before when that month is closed and its figures changed since (a closed month carries
    the notes it was closed with)."""
    month = month_first(month)
    stored = closed_report(region, month)
    if stored is not None:
        figures = dict(stored.figures)
        figures["closed"] = {"at": f"{timezone.localtime(stored.closed_at):%Y-%m-%d %H:%M}",
                             "by": stored.closed_by_name}
        return figures
    if region.level in ABOVE_COUNTY:
        return merged(region, [report(child, month, live=live) for child in sub_regions(region)],
                      month)
    if region.level == "county" and not live:
        draft = draft_of(region, month)
        if draft is not None:
            figures = dict(draft.figures)
            figures["closed"] = None
            figures["draft"] = {"at": f"{timezone.localtime(draft.computed_at):%Y-%m-%d %H:%M}"}
            return figures
    with on_replica():  # a page's figures: read from the replica when there is one
        return compute_with_notes(region, month)


def compute_with_notes(region: Region, month: date) -> dict[str, Any]:
    """The 月报 computed now, with the notes on the month before."""
    figures = compute(region, month)
    figures["notes"] = notes_for(region, month)
    figures["closed"] = None
    return figures


def draft_of(region: Region, month: date) -> ReportDraft | None:
    """The county's stored draft of a month not closed (``services.draft_refresh``)."""
    return (ReportDraft.objects.using(replica_alias())
            .filter(region=region, month=month_first(month)).first())


#: A province's or city's 月报 is the sum of its counties' (each closed or computed), so a
#: county's closed month shows the same figures on every level above it.
ABOVE_COUNTY = ("province", "city")
#: Figures that are not sums of the rows' figures.
_NOT_ADDED = ("average", "standard", "standard_urban", "standard_rural", "on_time_rate")


def _sum_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for row in rows:
        for key, value in row.items():
            if key.startswith("standard"):
                spans = [v for v in (total.get(key, []), value) if v]
                total[key] = _span([x for span in spans for x in span])
            elif key not in _NOT_ADDED:
                total[key] = total.get(key, 0) + value
    return total


def merged(region: Region, children: list[dict[str, Any]], month: date) -> dict[str, Any]:
    """The report of ``region`` from its sub-regions' reports: each one's total is a row,
    the total their sum (averages and rates computed again from the sums)."""
    figures: dict[str, Any] = {
        "version": FIGURES_VERSION,
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "month": f"{month:%Y-%m}",
        "rows": [{"code": c["region"]["code"], "name": c["region"]["name"]} for c in children],
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "closed": None, "notes": [note for c in children for note in c.get("notes", [])],
    }
    drafts = [c["draft"]["at"] for c in children if c.get("draft")]
    if drafts:  # the oldest of the counties' drafts
        figures["draft"] = {"at": min(drafts)}
    for table in (*DIBAO, receiving.TEKUN, receiving.TEMPORARY, receiving.LOW_INCOME):
        rows = {c["region"]["code"]: (c.get(table) or {}).get(TOTAL, {}) for c in children}
        total = _sum_rows(list(rows.values()))
        figures[table] = {**rows, TOTAL: total}
        for row in figures[table].values():
            if table == receiving.TEMPORARY:
                row["average"] = half_up(row.get("expenditure", 0), row.get("times", 0)) or 0
            elif table != receiving.LOW_INCOME:
                row["average"] = half_up(row.get("expenditure", 0), row.get("persons", 0)) or 0
    departments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for child in children:
        window = child.get("one_window", {})
        names.update(window.get("names", {}))
        for code, row in window.get("rows", {}).items():
            departments[code].append(row)
    window_rows = {code: _sum_rows(rows) for code, rows in departments.items()}
    for row in window_rows.values():
        row["on_time_rate"] = half_up(row.get("on_time", 0) * 1000, row.get("finished", 0)) or (
            0 if row.get("finished") else -1)
    figures["one_window"] = {"rows": window_rows, "names": names}
    return figures


def notes_for(region: Region, month: date) -> list[dict[str, Any]]:
    previous = closed_report(region, month_add(month_first(month), -1))
    if previous is None:
        return []
    return differences(region, previous, compute(region, previous.month))


# --- what the user may choose ----------------------------------------------------------------


def region_for(user: Any, code: str) -> Region | None:
    """The region ``code`` when the user may see it (their own region or below)."""
    region = Region.objects.filter(code=code).first() if code else getattr(user, "region", None)
    if region is None:
        return None
    if not visible_path(user, region.path):
        report_denied(user, Region, code=region.code)
        return None
    return region


def region_choices(user: Any) -> list[Region]:
    """The user's region and the levels under it down to the villages (for the chooser)."""
    own = getattr(user, "region", None)
    if own is None:
        return []
    return list(Region.objects.within(own).exclude(level="grid").order_by("path"))


def months_closed(region: Region) -> list[date]:
    return list(MonthlyReport.objects.filter(region=region).values_list("month", flat=True))

