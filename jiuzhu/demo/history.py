"""Two years of history for the demo county (issue #13, item 8): the 24 months up to last
month, so the dashboard's trends, the 月报, the exchange file and the archive have real data.

What it adds (the same rows the services write, with the dates of the day they happened):

- **Decided cases of every programme** — 城乡低保 (MZ01; urban or rural by the household's
  ``area_type``), 特困供养 (MZ03), 低收入（低保边缘）认定 (MZ02), 临时救助 one-offs (MZ04) —
  a stock decided in the first month (the county did not start from nothing) and a few more
  every month after, growing slowly; some refused and some withdrawn (closed cases for the
  archive). Each case has the step records of its whole path (who did what and when, the
  people of the demo county), and its decision documents (D12, D13 for 低保, D14 for a
  refusal, D17 for a stop) issued through ``applications.documents.issue_documents`` on
  the day of the decision — pending, rendered later by the task worker as the app allows.
- **Payrolls**: per township and month a confirmed payroll (花名册, with its workbook file)
  and its payments — monthly benefits from the start month, a one-off in its month, a
  phase-out at its amount until its last month. Last month's and this month's lists are
  left to ``payments.demo`` (through the payroll service, after this).
- **Reviews** (复核) on the case's schedule (class A yearly, B half-yearly, C quarterly in
  towns): done with the amount kept; some phased out (渐退 for six months, then stopped when
  the phase-out ended); some stopped at the review; a few open and overdue.
- **Bank accounts** of the families paid.
- **One-window intake** (一门受理): every month items of every one of the 12 departments,
  transferred, accepted and decided (granted or not; some late), and a few still open —
  overdue among them — in each department's inbox.

Bulk: the rows are made with ``bulk_create`` (a service call per step of 400 cases takes
minutes); the decision documents, the tip-offs (``load_tipoffs``) and the emergency cases
(``load_emergencies``) go through the services, on a clock set to the day they happened
(:func:`clock`), so their own rules and numbering apply.

Households: families of the county the assessments put in information circle 1 (dibao
level) for the monthly benefits and one-offs, circle 2 for the low-income recognitions,
circles 3–4 for the refusals and withdrawals — never a family that already has a case, a
request, a lead or an emergency case. Everything is drawn from a fixed seed; the history is
loaded once (its first payroll is the mark), so loading again changes nothing.
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef
from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region

#: How many months of history, up to last month.
HISTORY_MONTHS = 24
SEED = 20261205

#: At most this many cases of each kind over the whole history (fewer on a small registry).
TARGETS = {"MZ01": 240, "MZ03": 16, "MZ02": 60, "MZ04": 96, "refused": 24, "withdrawn": 12}
#: The share of each kind decided in the first month (the county's existing recipients).
STOCK = {"MZ01": 0.4, "MZ03": 0.5, "MZ02": 0.3, "MZ04": 0.0, "refused": 0.0, "withdrawn": 0.0}

WINDOWS = {"990102001": "window1", "990102002": "window2", "990102003": "window3"}
REVIEWERS = {"990102001": "reviewer1"}
PAYROLL_DAY = 25  # payrolls are generated and confirmed around the 25th
DECIDE_BY = 20  # decisions fall before it, so a one-off is paid in its own month

INVESTIGATORS = ["周明", "李强"]
APPRAISAL = {"members_present": 15, "votes_for": 14, "votes_against": 1, "result": "pass",
             "note": "村（居）民代表民主评议，多数同意"}
REFUSALS = ["家庭人均收入高于本县最低生活保障标准，不符合低保条件",
            "家庭成员名下有机动车辆（非生活必需），不符合条件",
            "经核对家庭存款超过规定标准，不符合条件"]
WITHDRAWALS = ["申请人家庭情况好转（子女就业），主动撤回申请",
               "申请人外出务工，主动撤回申请"]
TEMPORARY_REASONS = ["家庭成员突发重病住院，医疗支出较大，基本生活暂时困难",
                     "房屋因暴雨受损，临时生活困难",
                     "子女上学费用支出较大，基本生活出现暂时困难",
                     "主要劳动力因意外受伤，短期内无法务工"]
STOP_REASONS = ["复核发现家庭成员名下新增机动车辆，不再符合低保条件，停发低保金",
                "复核发现家庭成员已稳定就业，收入超过低保标准且无渐退情形，停发低保金"]
PHASE_OUT_REASON = "家庭人均收入已超过低保标准（家庭成员就业）"


@contextlib.contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Run the services as if it were ``moment``: ``timezone.now()`` (and so
    ``localdate()``, ``auto_now_add``, the documents' issuing time and number year, the
    audit trail) answer ``moment``. The demo's history only; never used by a request."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@contextlib.contextmanager
def keep_dates(*fields: Any) -> Iterator[None]:
    """``bulk_create`` keeps the dates set on the rows instead of stamping now."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _flag in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, flag in saved:
            f.auto_now_add = flag


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


class Workdays:
    """Working-day arithmetic over the history's window, one calendar query."""

    def __init__(self, first: date, last: date):
        from jiuzhu.calendars.selectors import calendar_window

        self.window = calendar_window(first - timedelta(days=90), last + timedelta(days=120))

    def workday(self, day: date) -> bool:
        from jiuzhu.calendars.selectors import is_workday

        return is_workday(day, calendar=self.window)

    def on_or_before(self, day: date) -> date:
        while not self.workday(day):
            day -= timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        while not self.workday(day):
            day += timedelta(days=1)
        return day

    def back(self, day: date, n: int) -> date:
        while n > 0:
            day -= timedelta(days=1)
            if self.workday(day):
                n -= 1
        return day

    def forward(self, day: date, n: int) -> date:
        from jiuzhu.calendars.selectors import add_working_days

        return add_working_days(day, n, calendar=self.window).due


# --- the paths of a case ---------------------------------------------------------------------

#: (action, from, to, role, working days before the decision) — the step records the
#: procedure writes on the way, as ``applications.demo.run_case`` takes them.
PATHS: dict[str, list[tuple[str, str, str, str, int]]] = {
    "MZ01": [("create", "submitted", "submitted", "window", 22),
             ("accept", "submitted", "accepted", "window", 21),
             ("assign_investigation", "accepted", "accepted", "reviewer", 21),
             ("record_verification", "accepted", "accepted", "verifier", 19),
             ("record_investigation", "accepted", "appraisal", "investigator", 18),
             ("record_appraisal", "appraisal", "opinion", "reviewer", 16),
             ("submit_opinion", "opinion", "notice", "reviewer", 15),
             ("publish_notice", "notice", "notice", "reviewer", 15),
             ("close_notice", "notice", "decision", "reviewer", 8),
             ("approve", "decision", "approved", "approver", 0)],
    "MZ03": [("create", "submitted", "submitted", "window", 18),
             ("accept", "submitted", "accepted", "window", 17),
             ("assign_investigation", "accepted", "accepted", "reviewer", 17),
             ("record_verification", "accepted", "accepted", "verifier", 15),
             ("record_investigation", "accepted", "opinion", "investigator", 14),
             ("submit_opinion", "opinion", "notice", "reviewer", 13),
             ("publish_notice", "notice", "notice", "reviewer", 13),
             ("close_notice", "notice", "decision", "reviewer", 6),
             ("approve", "decision", "approved", "approver", 0)],
    "MZ04": [("create", "submitted", "submitted", "window", 7),
             ("accept", "submitted", "accepted", "window", 6),
             ("assign_investigation", "accepted", "accepted", "reviewer", 6),
             ("record_investigation", "accepted", "opinion", "investigator", 4),
             ("submit_opinion", "opinion", "decision", "reviewer", 2),
             ("approve", "decision", "approved", "approver", 0)],
    "refused": [("create", "submitted", "submitted", "window", 20),
                ("accept", "submitted", "accepted", "window", 19),
                ("assign_investigation", "accepted", "accepted", "reviewer", 19),
                ("record_verification", "accepted", "accepted", "verifier", 17),
                ("record_investigation", "accepted", "appraisal", "investigator", 16),
                ("record_appraisal", "appraisal", "opinion", "reviewer", 14),
                ("submit_opinion", "opinion", "decision", "reviewer", 13),
                ("refuse", "decision", "refused", "approver", 0)],
    "withdrawn": [("create", "submitted", "submitted", "window", 4),
                  ("withdraw", "submitted", "withdrawn", "window", 0)],
}
PATHS["MZ02"] = PATHS["MZ03"]


@dataclass
class Plan:
    """One case of the history: who, what, when it was decided, and what followed."""

    kind: str  # MZ01 MZ02 MZ03 MZ04 refused withdrawn
    household: Household
    decided: date
    amount: Decimal | None = None
    review_class: str = ""
    #: (review due month, outcome, done on) of the reviews taken
    reviews: list[tuple[date, str, date | None]] = field(default_factory=list)
    phase_out: tuple[date, date] | None = None  # (started on, until month)
    stopped: tuple[date, str, str] | None = None  # (day, action, reasons)
    open_review: date | None = None
    application: Any = None

    @property
    def item(self) -> str:
        return self.kind if self.kind.startswith("MZ") else "MZ01"

    @property
    def monthly(self) -> bool:
        return self.kind in ("MZ01", "MZ03")

    @property
    def start_month(self) -> date | None:
        first = self.decided.replace(day=1)
        if self.monthly:
            return add_months(first, 1)
        return first if self.kind == "MZ04" else None


# --- the households ------------------------------------------------------------------------------

def _pools(county: Region) -> dict[str, list[Household]]:
    """The families free for the history, by the circle the assessments put them in."""
    from jiuzhu.applications.models import Application
    from jiuzhu.assessments.models import Standing
    from jiuzhu.emergency.models import EmergencyCase
    from jiuzhu.intake.models import Request
    from jiuzhu.leads.models import Lead

    free = (Household.objects.within(county).filter(status="active")
            .exclude(Exists(Application.objects.filter(household=OuterRef("pk"))))
            .exclude(Exists(Request.objects.filter(household=OuterRef("pk"))))
            .exclude(Exists(Lead.objects.filter(household=OuterRef("pk"))))
            .exclude(Exists(EmergencyCase.objects.filter(household=OuterRef("pk"))))
            .select_related("region").order_by("household_id"))
    standings = {s.household_id: s for s in Standing.objects.filter(household__in=free)}
    pools: dict[str, list[Household]] = {"1": [], "1_single": [], "2": [], "3": []}
    members = dict(free.annotate(n=Count("members")).values_list("pk", "n"))
    for household in free:
        standing = standings.get(household.pk)
        if standing is None or standing.vetoes:
            continue
        household.standing = standing  # type: ignore[attr-defined]
        if standing.circle == 1 and standing.eligible and standing.benefit_fen > 0:
            if members.get(household.pk) == 1:
                pools["1_single"].append(household)
            else:
                pools["1"].append(household)
        elif standing.circle == 2:
            pools["2"].append(household)
        elif standing.circle in (3, 4):
            pools["3"].append(household)
    return pools


def _spread(rng: random.Random, households: list[Household]) -> list[Household]:
    """The pool shuffled the same way every time (the townships mixed)."""
    households = list(households)
    rng.shuffle(households)
    return households


# --- planning ------------------------------------------------------------------------------------

def plan_history(county: Region, today: date, days: Workdays) -> list[Plan]:
    """Which case is decided when and what follows it — from the seed."""
    rng = random.Random(SEED)
    pools = _pools(county)
    this_month = today.replace(day=1)
    months = [add_months(this_month, -HISTORY_MONTHS + i) for i in range(HISTORY_MONTHS)]
    single = _spread(rng, pools["1_single"])
    if not single:  # a small county (the tests' one household a village): 特困 all the same
        single, pools["1"] = pools["1"][:2], pools["1"][2:]
    tekun_pool = single[:TARGETS["MZ03"]]
    dibao_pool = _spread(rng, pools["1"] + single[TARGETS["MZ03"]:])
    circle2 = _spread(rng, pools["2"])
    circle3 = _spread(rng, pools["3"])
    sources = {
        "MZ03": tekun_pool,
        "MZ01": dibao_pool[:TARGETS["MZ01"]],
        "MZ04": dibao_pool[TARGETS["MZ01"]:TARGETS["MZ01"] + TARGETS["MZ04"]]
        or circle2[TARGETS["MZ02"]:TARGETS["MZ02"] + TARGETS["MZ04"]],
        "MZ02": circle2[:TARGETS["MZ02"]],
        "refused": circle3[:_refusals(len(circle3))],
        "withdrawn": circle3[_refusals(len(circle3)):TARGETS["refused"] + TARGETS["withdrawn"]],
    }
    plans: list[Plan] = []
    for kind, pool in sources.items():
        total = len(pool)
        if not total:
            continue
        stock = round(total * STOCK[kind])
        per_month = [stock] + [0] * (HISTORY_MONTHS - 1)
        for n in range(total - stock):  # the rest spread over the later months, growing
            per_month[1 + (n * (HISTORY_MONTHS - 1)) // max(total - stock, 1)] += 1
        households = iter(pool)
        for month, count in zip(months, per_month, strict=True):
            for _n in range(count):
                day = days.on_or_before(month + timedelta(days=rng.randint(3, DECIDE_BY - 1)))
                plans.append(_plan(kind, next(households), day, rng))
    # the earliest 低保 cases: one phased out (and stopped when it ended), one stopped at a
    # review — so even a small registry shows both; the others by chance
    fates = iter([0.0, 0.1])
    early = add_months(this_month, -16)
    for plan in sorted(plans, key=lambda p: (p.decided, p.household.household_id)):
        if plan.monthly:
            fate = next(fates, None) if plan.kind == "MZ01" and plan.decided < early else None
            _plan_reviews(plan, this_month, rng, days, fate=fate)
    plans.sort(key=lambda p: (p.decided, p.household.household_id))
    return plans


def _refusals(available: int) -> int:
    """How many of circle 3 are refused: the target, or in a small county (fewer families
    than refusals and withdrawals together) two in three, so both kinds show."""
    if available >= TARGETS["refused"] + TARGETS["withdrawn"]:
        return TARGETS["refused"]
    return available - max(available // 3, 1) if available >= 2 else available


def _plan(kind: str, household: Household, decided: date, rng: random.Random) -> Plan:
    standing = household.standing  # type: ignore[attr-defined]
    plan = Plan(kind=kind, household=household, decided=decided)
    if kind == "MZ01":
        plan.amount = Decimal(standing.benefit_fen) / 100
        plan.review_class = rng.choices("ABC", weights=(3, 5, 2))[0]
    elif kind == "MZ03":
        # 特困: the basic living standard (1.3 × the dibao standard) for the one person
        plan.amount = max(Decimal(standing.benefit_fen) / 100, Decimal("1170.00"))
        plan.review_class = "A"
    elif kind == "MZ04":
        plan.amount = Decimal(rng.choice([800, 1000, 1200, 1500, 2000, 2400]))
    return plan


REVIEW_MONTHS = {"A": 12, "B": 6}


def _interval(plan: Plan) -> int:
    if plan.review_class == "C":
        return 3 if plan.household.area_type == "urban" else 6
    return REVIEW_MONTHS.get(plan.review_class, 6)


def _plan_reviews(plan: Plan, this_month: date, rng: random.Random, days: Workdays,
                  fate: float | None = None) -> None:
    """The reviews due before this month, taken in their month (a few left open, overdue);
    about one dibao case in twelve phased out at a review, one in twenty-five stopped."""
    assert plan.start_month is not None
    due = add_months(plan.start_month, _interval(plan))
    chance = rng.random()
    fate = chance if fate is None else fate
    while True:
        if due >= this_month:
            plan.open_review = due
            return
        if rng.random() < 0.04 and add_months(due, 1) >= this_month:
            plan.open_review = due  # last month's review not done yet: overdue
            return
        done_on = days.on_or_after(due + timedelta(days=rng.randint(2, 15)))
        if plan.kind == "MZ01" and fate < 0.08 and plan.phase_out is None:
            until = add_months(due, 6)
            plan.reviews.append((due, "phase_out", done_on))
            plan.phase_out = (done_on, until)
            stop_month = add_months(until, 1)
            if stop_month < add_months(this_month, -1):
                # the payroll of the month after the phase-out stopped it (the service does
                # this before the payroll; the last two months are left to the service)
                plan.stopped = (days.on_or_before(stop_month + timedelta(days=PAYROLL_DAY - 1)),
                                "phase_out_end",
                                f"家庭人均收入已超过低保标准，渐退期至{until.year}年{until.month}月"
                                f"届满，停发低保金")
                return
            plan.open_review = stop_month
            return
        if plan.kind == "MZ01" and 0.08 <= fate < 0.12:
            reason = STOP_REASONS[int(fate * 1000) % len(STOP_REASONS)]
            plan.reviews.append((due, "stop", done_on))
            plan.stopped = (done_on, "review_stop", reason)
            return
        plan.reviews.append((due, "unchanged", done_on))
        due = add_months(due, _interval(plan))


# --- writing -------------------------------------------------------------------------------------

def _users() -> dict[str, Any]:
    names = ("window1", "window2", "window3", "reviewer1", "investigator1", "verifier1",
             "approver1", "supervisor1")
    return {name: user for name in names if (user := demo_user(name)) is not None}


def _actor(role: str, township: str, users: dict[str, Any]) -> Any:
    name = {"window": WINDOWS.get(township), "reviewer": REVIEWERS.get(township),
            "investigator": "investigator1" if township == "990102001" else None,
            "verifier": "verifier1", "approver": "approver1"}.get(role)
    return users.get(name) if name else None


def _name(user: Any) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else "系统"


def _step_data(action: str, plan: Plan, day: date) -> dict[str, Any]:
    head = plan.household.head_name or "申请人"
    if action == "create":
        return {"channel": "window", "item_code": plan.item, "originals": []}
    if action == "assign_investigation":
        return {"investigators": INVESTIGATORS}
    if action == "record_investigation":
        return {"investigators": INVESTIGATORS, "location": {"lat": 34.2658, "lng": 108.9541},
                "neighbour_visits": [{"name": "邻居老张", "relation": "邻居",
                                      "statement": f"{head}家确实困难，平时靠打零工和亲戚接济"}],
                "visited_on": day.isoformat(),
                "findings": "住房简陋，家中无值钱家电，生活困难属实", "files": ["入户照片"]}
    if action == "record_appraisal":
        return dict(APPRAISAL)
    if action == "submit_opinion":
        if plan.kind == "refused":
            return {"recommend": "refuse", "reasons": _refusal(plan)}
        if plan.kind == "MZ04":
            return {"recommend": "approve", "amount": f"{plan.amount:.2f}",
                    "reasons": _temporary_reason(plan)}
        return {"recommend": "approve", "reasons": ""}
    if action == "approve":
        return {"override_reason": ""}
    if action == "refuse":
        return {"reasons": _refusal(plan)}
    if action == "withdraw":
        return {"reason": WITHDRAWALS[plan.household.pk % len(WITHDRAWALS)]}
    return {}


def _refusal(plan: Plan) -> str:
    return REFUSALS[plan.household.pk % len(REFUSALS)]


def _temporary_reason(plan: Plan) -> str:
    return TEMPORARY_REASONS[plan.household.pk % len(TEMPORARY_REASONS)]


def _dates(plan: Plan, days: Workdays) -> list[date]:
    return [days.back(plan.decided, before) for *_rest, before in PATHS[plan.kind]]


def _write_cases(plans: list[Plan], users: dict[str, Any], days: Workdays,
                 this_month: date) -> None:
    from jiuzhu.applications.models import Application, ApplicationStep
    last_bulk = add_months(this_month, -2)  # the last month whose payroll is made here
    applications, steps = [], []
    prefixes = []
    for plan in plans:
        township_code = plan.household.region_path.strip("/").split("/")[3]
        submitted = _dates(plan, days)[0]
        prefixes.append(f"{'DB' if plan.item == 'MZ01' else plan.item}{township_code}{submitted:%Y}")
    numbers = iter(_numbers(Application, prefixes))
    codes = iter(_query_codes(Application, len(plans), random.Random(SEED + 2)))
    for plan in plans:
        household = plan.household
        township = household.region.parent if household.region.level != "township" \
            else household.region
        assert township is not None
        dates = _dates(plan, days)
        submitted, accepted = dates[0], dates[1]
        state = {"refused": "refused", "withdrawn": "withdrawn"}.get(plan.kind, "approved")
        first_paid = plan.start_month
        if state == "approved" and first_paid is not None and first_paid <= last_bulk:
            state = "in_payment"
        if plan.stopped is not None:
            state = "stopped"
        approver = _actor("approver", township.code, users)
        decided_at = moment(plan.decided, 15, 30) if plan.kind != "withdrawn" else None
        application = Application(
            number=next(numbers), query_code=next(codes), household=household, item_code=plan.item,
            channel="window", state=state, region=township, region_path=household.region_path,
            submitted_at=moment(submitted, 9, 20),
            created_by=_actor("window", township.code, users),
            step="none", step_started_on=plan.decided,
            accepted_on=accepted if plan.kind != "withdrawn" else None,
            final_due_date=days.forward(accepted, 30) if plan.kind != "withdrawn" else None,
            investigators=INVESTIGATORS if plan.kind != "withdrawn" else [],
            investigation_recorded=plan.kind != "withdrawn",
            investigation=_step_data("record_investigation", plan, dates[min(3, len(dates) - 1)])
            if plan.kind != "withdrawn" else {},
            verification_recorded=plan.kind in ("MZ01", "MZ02", "MZ03", "refused"),
            appraisal=dict(APPRAISAL) if plan.kind in ("MZ01", "refused") else {},
            recommend={"withdrawn": ""}.get(plan.kind, "refuse" if plan.kind == "refused"
                                            else "approve"),
            opinion_reasons=_refusal(plan) if plan.kind == "refused" else
            _temporary_reason(plan) if plan.kind == "MZ04" else "",
            engine_amount=plan.amount,
            notice_published_on=dates[6] if plan.kind in ("MZ01",) else
            dates[5] if plan.kind in ("MZ02", "MZ03") else None,
            notice_round=1 if plan.kind in ("MZ01", "MZ02", "MZ03") else 0,
            approved_amount=plan.amount if state not in ("refused", "withdrawn") else None,
            start_month=plan.start_month if state not in ("refused", "withdrawn") else None,
            review_class=plan.review_class,
            decided_at=decided_at,
            decided_by=approver if decided_at else None,
            reasons=_refusal(plan) if plan.kind == "refused" else
            _step_data("withdraw", plan, plan.decided)["reason"] if plan.kind == "withdrawn"
            else "",
        )
        applications.append(application)
        plan.application = application
    created_at = Application._meta.get_field("submitted_at")
    with keep_dates(created_at):
        Application.objects.bulk_create(applications, batch_size=500)
    for plan in plans:
        township_code = plan.application.region.code
        for (action, before, after, role, _b), day in zip(PATHS[plan.kind], _dates(plan, days),
                                                          strict=True):
            actor = _actor(role, township_code, users)
            hour = 15 if action in ("approve", "refuse") else 10
            steps.append(ApplicationStep(
                application=plan.application, action=action, from_state=before, to_state=after,
                actor=actor, actor_name=_name(actor), at=moment(day, hour, 30 if hour == 15 else 0),
                data=_step_data(action, plan, day)))
        steps.extend(_later_steps(plan, users, days, last_bulk))
    with keep_dates(ApplicationStep._meta.get_field("at")):
        ApplicationStep.objects.bulk_create(steps, batch_size=1000)


def _payroll_day(month: date, days: Workdays) -> date:
    return days.on_or_before(month.replace(day=PAYROLL_DAY))


def _later_steps(plan: Plan, users: dict[str, Any], days: Workdays,
                 last_bulk: date) -> list[Any]:
    """The steps after the decision: the first payroll (start_payment), the reviews, the
    stop — as the payroll and supervision services record them."""
    from jiuzhu.applications.models import ApplicationStep

    application = plan.application
    township = application.region.code
    out = []
    reviewer = _actor("reviewer", township, users) or users.get("approver1")
    if plan.start_month is not None and plan.start_month <= last_bulk and \
            plan.kind in ("MZ01", "MZ03", "MZ04"):
        day = _payroll_day(plan.start_month, days)
        out.append(ApplicationStep(
            application=application, action="start_payment", from_state="approved",
            to_state="in_payment", actor=reviewer, actor_name=_name(reviewer),
            at=moment(day, 16), data={"month": plan.start_month.isoformat()}))
    for _due, outcome, done_on in plan.reviews:
        if outcome == "stop" or done_on is None:
            continue
        data: dict[str, Any] = {"outcome": outcome, "amount": f"{plan.amount:.2f}"}
        if outcome == "phase_out" and plan.phase_out is not None:
            data = {"outcome": outcome, "phase_out_until": plan.phase_out[1].isoformat()}
        out.append(ApplicationStep(
            application=application, action="review", from_state="in_payment",
            to_state="in_payment", actor=reviewer, actor_name=_name(reviewer),
            at=moment(done_on, 11), data=data))
    if plan.stopped is not None:
        day, action, reasons = plan.stopped
        actor = reviewer if action == "review_stop" else users.get("approver1")
        out.append(ApplicationStep(
            application=application, action=action, from_state="in_payment",
            to_state="stopped", actor=actor, actor_name=_name(actor), at=moment(day, 11, 30),
            data={"reasons": reasons,
                  "effective_month": add_months(day.replace(day=1), 1).isoformat()}))
    return out


def _write_documents(plans: list[Plan], users: dict[str, Any]) -> int:
    """The decision document of every decided case, on the day of the decision: 准予最低生活
    保障决定书 (D13) for 低保, the 审核确认表 (D12) for the other items, the refusal (D14),
    the stop (D17) — worded from the case by the documents app's templates and numbered in
    the office's yearly series (its counter), as ``documents.services.document_issue``
    does, made in bulk; *pending*: the task worker (or the first download) renders the
    files."""
    from django.contrib.contenttypes.models import ContentType

    from jiuzhu.applications.documents import (
        DECISION_DOCUMENTS,
        decision_office,
        document_context,
    )
    from jiuzhu.applications.documents import (
        office_context as _office_context,
    )
    from jiuzhu.applications.procedure import procedure_for
    from jiuzhu.documents.catalogue import catalogue_entry
    from jiuzhu.documents.content import content_to_dict, render_content
    from jiuzhu.documents.models import Document, DocumentStatus
    from jiuzhu.documents.services import document_number
    from jiuzhu.documents.services import full_context as _context
    from jiuzhu.documents.specs import template_find

    approver = users.get("approver1") or SYSTEM
    wanted: list[tuple[Plan, str, datetime, dict[str, Any]]] = []
    for plan in plans:
        if plan.kind == "withdrawn":
            continue
        when = moment(plan.decided, 15, 30)
        if plan.kind == "refused":
            wanted.append((plan, "D14", when, {"approved": False}))
        else:
            wanted.append((plan, "D13" if plan.item == "MZ01" else "D12", when,
                           {"approved": True}))
        if plan.stopped is not None:
            day, _action, reasons = plan.stopped
            effective = add_months(day.replace(day=1), 1)
            month = f"{effective.year}年{effective.month}月"
            wanted.append((plan, "D17", moment(day, 11, 30), {
                "start_month": month, "reasons": [reasons], "amount": "",
                "phase_out_until": "", "stop": {"effective_month": month, "reasons": reasons}}))
    wanted.sort(key=lambda row: row[2])
    from jiuzhu.applications.models import Application

    content_type = ContentType.objects.get_for_model(Application, for_concrete_model=False)
    rows: list[tuple[Plan, str, datetime, dict[str, Any], Region, Any]] = []
    for plan, code, when, extra in wanted:
        application = plan.application
        office = decision_office(application, approver) if code in DECISION_DOCUMENTS \
            else application.region
        entry = catalogue_entry(code)
        assert entry is not None
        rows.append((plan, code, when, extra, office, entry))
    # the serials: a block of each office's yearly series, from its counter
    needs: dict[tuple[str, str, int], int] = {}
    for _plan, _code, when, _extra, office, entry in rows:
        key = (office.code, entry.series, timezone.localtime(when).year)
        needs[key] = needs.get(key, 0) + 1
    offices = {office.code: office for *_r, office, _e in rows}
    serials = {key: _reserve(f"documents:{key[0]}:{key[1]}:{key[2]}", count,
                             lambda k=key: Document.objects.filter(
                                 office=offices[k[0]], series=k[1], year=k[2])
                             .aggregate(m=Max("serial"))["m"] or 0)
               for key, count in needs.items()}
    specs: dict[tuple[str, str], Any] = {}
    documents = []
    for plan, code, when, extra, office, entry in rows:
        application = plan.application
        local = timezone.localtime(when)
        key = (office.code, entry.series, local.year)
        serial = serials[key]
        serials[key] = serial + 1
        number = document_number(office=office, series=entry.series, year=local.year,
                                 serial=serial)
        context = document_context(application, **extra)
        if office != application.region:
            context = {**context, "office": _office_context(
                office, procedure_for(application.region.code))}
        data = _context(context, office=office, today=local.date().isoformat(), document={
            "code": code, "number": number, "version": 1, "title": entry.title,
            "issued_at": local.isoformat(timespec="seconds")})
        spec = specs.get((code, office.code)) or template_find(code, office)
        specs[(code, office.code)] = spec
        content = render_content(spec, data)
        documents.append(Document(
            content_type=content_type, object_id=str(application.pk),
            region_path=application.region_path, code=code, title=content.title[:100],
            version=1, number=number, series=entry.series, year=local.year, serial=serial,
            office=office, issued_at=when, issued_by=users.get("approver1"), issued_by_name=getattr(approver, "username", "") or "system",
            template=spec.source, context=data, missing_fields=content.missing_fields,
            content=content_to_dict(content), status=DocumentStatus.PENDING))
    Document.objects.bulk_create(documents, batch_size=500)
    return len(documents)


def _reserve(key: str, count: int, highest: Any) -> int:
    """The first of ``count`` consecutive values of the counter ``key`` (taken at once)."""
    from jiuzhu.core.models import Counter
    from jiuzhu.core.numbers import counter_next

    first = counter_next(key, start=highest)
    if count > 1:
        Counter.objects.filter(key=key).update(value=F("value") + count - 1)
    return first


def _numbers(model: Any, prefixes: list[str], width: int = 5) -> list[str]:
    """A number for each row, in order, under its prefix (as ``core.numbers.next_number``
    gives them one by one)."""
    counts: dict[str, int] = {}
    for prefix in prefixes:
        counts[prefix] = counts.get(prefix, 0) + 1
    nexts = {}
    for prefix, count in counts.items():
        def highest(prefix: str = prefix) -> int:
            last = (model._default_manager.filter(number__startswith=prefix)
                    .order_by("-number").values_list("number", flat=True).first())
            tail = last[len(prefix):] if last else ""
            return int(tail) if tail.isdigit() else 0

        nexts[prefix] = _reserve(f"{model._meta.label_lower}:{prefix}", count, highest)
    out = []
    for prefix in prefixes:
        out.append(f"{prefix}{nexts[prefix]:0{width}d}")
        nexts[prefix] += 1
    return out


def _query_codes(model: Any, count: int, rng: random.Random, length: int = 8) -> list[str]:
    """``count`` query codes unique among ``model``'s (the alphabet of ``core.numbers``)."""
    from jiuzhu.core.numbers import QUERY_ALPHABET

    taken = set(model._default_manager.values_list("query_code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(rng.choice(QUERY_ALPHABET) for _ in range(length))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _write_reviews(plans: list[Plan], users: dict[str, Any], days: Workdays) -> int:
    from jiuzhu.supervision.models import PhaseOut, ReviewTask

    tasks, phase_outs = [], []
    for plan in plans:
        if not plan.monthly:
            continue
        application = plan.application
        reviewer = _actor("reviewer", application.region.code, users) or users.get("approver1")
        for due, outcome, done_on in plan.reviews:
            assert done_on is not None
            note = {"unchanged": "家庭收入和人口未发生变化，维持原保障金",
                    "phase_out": f"{PHASE_OUT_REASON}；渐退：按原标准继续发放6个月，期满停发",
                    "stop": plan.stopped[2] if plan.stopped else ""}[outcome]
            tasks.append(ReviewTask(
                application=application, region_path=application.region_path,
                review_class=plan.review_class, due_on=due, status="done", outcome=outcome,
                amount_before=plan.amount,
                amount_after=None if outcome == "stop" else plan.amount, note=note,
                created_at=moment(due - timedelta(days=20), 2), done_at=moment(done_on, 11),
                done_by=reviewer))
        if plan.phase_out is not None:
            started, until = plan.phase_out
            phase_outs.append(PhaseOut(application=application, started_on=started, until=until,
                                       amount=plan.amount or Decimal("0.00"),
                                       reason=PHASE_OUT_REASON,
                                       ended=plan.stopped is not None))
            if plan.stopped is not None:  # the review due after the phase-out, closed
                day = plan.stopped[0]
                tasks.append(ReviewTask(
                    application=application, region_path=application.region_path,
                    review_class=plan.review_class, due_on=add_months(until, 1),
                    status="done", outcome="stop", note="案件已停发",
                    created_at=moment(started, 11), done_at=moment(day, 11, 30)))
        if plan.open_review is not None and plan.stopped is None:
            tasks.append(ReviewTask(
                application=application, region_path=application.region_path,
                review_class=plan.review_class, due_on=plan.open_review, status="open",
                created_at=moment(plan.open_review - timedelta(days=20), 2)))
    with keep_dates(ReviewTask._meta.get_field("created_at")):
        ReviewTask.objects.bulk_create(tasks, batch_size=1000)
    PhaseOut.objects.bulk_create(phase_outs)
    return len(tasks)


def _write_bank_accounts(plans: list[Plan]) -> int:
    """The account every paid family has (as ``payments.demo.load_bank_accounts`` sets it)."""
    from jiuzhu.payments.demo import BANKS
    from jiuzhu.payments.models import BankAccount

    have = set(BankAccount.objects.values_list("household_id", flat=True))
    rows = []
    for plan in plans:
        household = plan.household
        if plan.amount is None or household.pk in have:
            continue
        have.add(household.pk)
        digits = "".join(c for c in household.household_id if c.isdigit())[-15:]
        rows.append(BankAccount(household=household, bank_name=BANKS[int(digits) % len(BANKS)],
                                account_number=f"6217{digits:0>15}",
                                holder_name=household.head_name or "户主"))
    BankAccount.objects.bulk_create(rows)
    return len(rows)


def _paid_months(plan: Plan, last: date) -> list[date]:
    """The months ``plan`` is in the payroll, up to ``last``."""
    start = plan.start_month
    if start is None or plan.amount is None or plan.kind not in ("MZ01", "MZ03", "MZ04"):
        return []
    if plan.kind == "MZ04":
        return [start] if start <= last else []
    end = last
    if plan.stopped is not None:
        # stopped before that month's payroll was generated (a review in the first weeks
        # of the month, a phase-out's end by the payroll itself): that list leaves it out
        end = min(end, add_months(plan.stopped[0].replace(day=1), -1))
    months, month = [], start
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _write_payrolls(plans: list[Plan], townships: list[Region], this_month: date,
                    users: dict[str, Any], days: Workdays) -> int:
    """A confirmed payroll per township and month (up to the month before last) with its
    payments and workbook, as ``payments.services.payroll_generate`` and
    ``payroll_confirm`` write them."""
    import hashlib

    from django.core.files.base import ContentFile

    from jiuzhu.payments.models import Payment, Payroll
    from jiuzhu.payments.workbook import PayrollRow, payroll_workbook

    last = add_months(this_month, -2)
    first = add_months(this_month, -HISTORY_MONTHS)
    rows: dict[tuple[int, date], list[Plan]] = {}
    for plan in plans:
        for month in _paid_months(plan, last):
            rows.setdefault((plan.application.region_id, month), []).append(plan)
    heads = _heads([p.household for p in plans if p.amount is not None])
    from jiuzhu.payments.models import BankAccount

    accounts = {a.household_id: a for a in BankAccount.objects.filter(
        household__in=[p.household for p in plans if p.amount is not None])}
    payrolls, payments = [], []
    for township in townships:
        actor = (users.get("reviewer1") if township.code == "990102001" else None) \
            or users.get("approver1")
        month = first
        while month <= last:
            day = _payroll_day(month, days)
            paid = sorted(rows.get((township.pk, month), []),
                          key=lambda p: (p.household.household_id, p.application.pk))
            total = sum((p.amount for p in paid if p.amount is not None), Decimal("0.00"))
            payroll = Payroll(township=township, region_path=township.path, month=month,
                              status="confirmed", generated_at=moment(day, 16),
                              generated_by=actor, confirmed_at=moment(day, 17),
                              confirmed_by=actor, total=total, count=len(paid))
            book = payroll_workbook(township_name=township.name, month=month, rows=[
                PayrollRow(name=heads.get(p.household.pk, ("", ""))[0] or p.household.head_name,
                           id_number=heads.get(p.household.pk, ("", ""))[1],
                           bank=getattr(accounts.get(p.household.pk), "bank_name", ""),
                           account=getattr(accounts.get(p.household.pk), "account_number", ""),
                           amount=p.amount or Decimal("0.00"),
                           household_id=p.household.household_id) for p in paid])
            payroll.sha256 = hashlib.sha256(book).hexdigest()
            payroll.file.save(f"payroll-{township.code}-{month:%Y%m}.xlsx", ContentFile(book),
                              save=False)
            payrolls.append((payroll, paid, day))
            month = add_months(month, 1)
    Payroll.objects.bulk_create([p for p, _paid, _day in payrolls], batch_size=500)
    for payroll, paid, day in payrolls:
        for plan in paid:
            payments.append(Payment(application=plan.application, payroll=payroll,
                                    month=payroll.month, amount=plan.amount or Decimal("0.00"),
                                    township=payroll.township,
                                    region_path=plan.application.region_path,
                                    created_at=moment(day, 16)))
    with keep_dates(Payment._meta.get_field("created_at")):
        Payment.objects.bulk_create(payments, batch_size=2000)
    return len(payrolls)


def _heads(households: list[Household]) -> dict[int, tuple[str, str]]:
    from jiuzhu.households.models import Member

    heads: dict[int, tuple[str, str]] = {}
    for household_id, name, id_number in (Member.objects.filter(
            household__in=households, relation="head")
            .values_list("household_id", "name", "id_number")):
        heads.setdefault(household_id, (name, id_number))
    return heads


# --- intake: the one window -------------------------------------------------------------------

def _write_intake(county: Region, this_month: date, today: date, users: dict[str, Any],
                  days: Workdays) -> int:
    """Every month, items of every department transferred by the window of a township,
    accepted and decided by the department's officer; the last weeks' still open (some
    overdue) — so every department's inbox and the timeliness figures have rows."""
    from jiuzhu.accounts.models import User
    from jiuzhu.calendars.alerts import yellow_from
    from jiuzhu.catalogue.selectors import items_in_force
    from jiuzhu.intake.models import ItemStep, Request, RequestItem

    rng = random.Random(SEED + 1)
    catalogue = [i for i in items_in_force(today) if not i.program]
    by_department: dict[str, list[Any]] = {}
    for item in catalogue:
        by_department.setdefault(item.department.code, []).append(item)
    officers = {u.department: u for u in User.objects.filter(
        role="department_officer", username__startswith="officer_")}
    households = list(Household.objects.within(county).filter(status="active")
                      .select_related("region").order_by("household_id")[:2000])
    if not households or not by_department:
        return 0
    rng.shuffle(households)
    picks = itertools.cycle(households)
    requests: list[tuple[Any, list[tuple[Any, str, date, date | None, str]]]] = []
    finished: date | None
    months = [add_months(this_month, -HISTORY_MONTHS + i) for i in range(HISTORY_MONTHS + 1)]
    for month in months:
        for department in sorted(by_department):
            for _n in range(2 if department in ("MZ", "WJ", "JY", "CL") else 1):
                received = days.on_or_after(month + timedelta(days=rng.randint(0, 24)))
                if received > today:
                    continue
                item = rng.choice(by_department[department])
                household = next(picks)
                age = (today - received).days
                # decided within the limit, some late; the last weeks' still open
                late = rng.random() < 0.12
                taken = item.limit + rng.randint(1, 6) if late else \
                    rng.randint(1, max(1, item.limit))
                finished = days.forward(received, taken)
                state = "finished"
                if finished is None or finished >= today or age < 20:
                    finished, state = None, rng.choice(["transferred", "accepted"])
                result = "granted" if rng.random() < 0.8 else "not_granted"
                requests.append((household, [(item, state, received, finished, result)]))
    # every department's inbox: an item received in the last days, and for one department
    # in three one left open past its limit (overdue)
    for index, department in enumerate(sorted(by_department)):
        item = rng.choice(by_department[department])
        received = days.back(today, rng.randint(1, 6))
        requests.append((next(picks), [(item, rng.choice(["transferred", "accepted"]),
                                        received, None, "")]))
        if index % 3 == 0:
            received = days.back(today, item.limit + rng.randint(3, 10))
            requests.append((next(picks), [(item, "accepted", received, None, "")]))
    request_rows, item_rows, step_rows = [], [], []
    numbers = iter(_numbers(Request, [
        f"SL{h.region_path.strip('/').split('/')[3]}{items[0][2]:%Y}" for h, items in requests]))
    codes = iter(_query_codes(Request, len(requests), random.Random(SEED + 3)))
    for household, items in requests:
        item, state, received, finished, _result = items[0]
        township = household.region.parent if household.region.level != "township" \
            else household.region
        window = users.get(WINDOWS.get(township.code, "")) if township else None
        request_rows.append(Request(
            number=next(numbers), query_code=next(codes), household=household,
            requested_items=[item.code],
            channel="window", applicant_name=household.head_name or "申请人",
            region=township, region_path=household.region_path,
            status="closed" if state == "finished" else "open", created_by=window,
            created_at=moment(received, 9, 30), received_on=received, taken_by=window,
            taken_at=moment(received, 9, 30)))
    with keep_dates(Request._meta.get_field("created_at")):
        Request.objects.bulk_create(request_rows, batch_size=1000)
    for request, (household, items) in zip(request_rows, requests, strict=True):
        item, state, received, finished, result = items[0]
        due = days.forward(received, item.limit)
        item_rows.append(RequestItem(
            request=request, item=item, item_code=item.code, item_name=item.name,
            department_code=item.department.code, mode="transfer", household=household,
            region_path=household.region_path, materials=list(item.materials or []),
            state=state, limit=item.limit, started_on=received, due_date=due,
            yellow_on=yellow_from(received, item.limit, calendar=days.window),
            result=result if state == "finished" else "",
            result_text=("准予救助" if result == "granted" else "经审核不符合条件，不予救助")
            if state == "finished" else "",
            finished_on=finished))
    RequestItem.objects.bulk_create(item_rows, batch_size=1000)
    for request, row in zip(request_rows, item_rows, strict=True):
        window = request.taken_by
        officer = officers.get(row.department_code)
        received = row.started_on
        step_rows.append(ItemStep(item=row, action="transfer", from_state="",
                                  to_state="transferred", department_code=row.department_code,
                                  actor=window, actor_name=_name(window),
                                  at=moment(received, 9, 40), on=received,
                                  data={"department": row.department_code,
                                        "materials": row.materials, "missing": []}))
        if row.state in ("accepted", "finished"):
            accepted = days.forward(received, 1)
            step_rows.append(ItemStep(item=row, action="accept", from_state="transferred",
                                      to_state="accepted", department_code=row.department_code,
                                      actor=officer, actor_name=_name(officer),
                                      at=moment(accepted, 10), on=accepted, data={}))
        if row.state == "finished" and row.finished_on is not None:
            step_rows.append(ItemStep(item=row, action="finish", from_state="accepted",
                                      to_state="finished", department_code=row.department_code,
                                      actor=officer, actor_name=_name(officer),
                                      at=moment(row.finished_on, 16), on=row.finished_on,
                                      data={"result": row.result, "note": row.result_text}))
    with keep_dates(ItemStep._meta.get_field("at")):
        ItemStep.objects.bulk_create(step_rows, batch_size=2000)
    return len(item_rows)


# --- loading -------------------------------------------------------------------------------------

def history_loaded(townships: list[Region], today: date) -> bool:
    from jiuzhu.payments.models import Payroll

    first = add_months(today.replace(day=1), -HISTORY_MONTHS)
    return Payroll.objects.filter(township__in=townships, month=first).exists()


def load_history(regions: dict[str, Region], *, today: date | None = None) -> dict[str, int]:
    """The history of the demo county, once (nothing happens when its first payroll exists);
    what was added. Runs after the assessments (it picks families by circle) and before
    ``payments.demo`` (last month's and this month's payrolls then include its cases)."""
    today = today or timezone.localdate()
    county = regions["990102"]
    townships = sorted((r for r in regions.values() if r.level == "township"
                        and r.code.startswith(county.code)), key=lambda r: r.code)
    if not townships or history_loaded(townships, today):
        return {}
    this_month = today.replace(day=1)
    days = Workdays(add_months(this_month, -HISTORY_MONTHS - 2), today)
    users = _users()
    with transaction.atomic():
        plans = plan_history(county, today, days)
        _write_cases(plans, users, days, this_month)
        accounts = _write_bank_accounts(plans)
        reviews = _write_reviews(plans, users, days)
        payrolls = _write_payrolls(plans, townships, this_month, users, days)
        documents = _write_documents(plans, users)
        intake = _write_intake(county, this_month, today, users, days)
    return {"history_cases": len(plans), "history_payrolls": payrolls,
            "history_reviews": reviews, "history_documents": documents,
            "history_accounts": accounts, "history_intake_items": intake}


# --- tip-offs and emergency cases, through their services ----------------------------------------

TIPOFFS = [
    ("phone", "群众来电反映该户家中有人在外务工，收入稳定。", "经入户调查和收入核对，务工为季节性零工，收入未超过标准"),
    ("letter", "来信反映该户子女经商，有赡养能力。", "子女另立户且经营亏损，无赡养能力，维持原救助待遇"),
    ("online", "网上反映该户新建了房屋。", "经核实为危房改造项目建设，不影响救助资格"),
    ("visit", "邻居来访反映该户户主长期不在家。", "户主在县医院长期住院治疗，情况属实，维持待遇"),
    ("phone", "来电反映该户家中购置了新家电。", "为亲属赠送的旧家电，举报不实"),
    ("inspection", "县民政局抽查发现该户家庭人口登记与户籍不一致。", "已按户籍信息更正家庭成员，保障金不变"),
]


def load_tipoffs(regions: dict[str, Region], *, today: date | None = None) -> int:
    """Tip-offs of the past two years, one every few months, each checked and closed by
    supervisor1 through ``supervision.services`` on the days it happened. Once (the first
    tip-off's content is the mark)."""
    from jiuzhu.applications.models import Application
    from jiuzhu.supervision.models import TipOff
    from jiuzhu.supervision.services import tipoff_close, tipoff_interview, tipoff_record

    today = today or timezone.localdate()
    actor = demo_user("supervisor1")
    if actor is None or TipOff.objects.filter(content=TIPOFFS[0][1]).exists():
        return 0
    this_month = today.replace(day=1)
    cases = list(Application.objects.within(regions["990102"])
                 .filter(state="in_payment", item_code="MZ01",
                         start_month__lte=add_months(this_month, -HISTORY_MONTHS + 1))
                 .exclude(tip_offs__isnull=False).select_related("household")
                 .order_by("number"))
    cases = cases[::max(1, len(cases) // len(TIPOFFS))][:len(TIPOFFS)]
    days = Workdays(add_months(this_month, -HISTORY_MONTHS), today)
    added = 0
    for index, (case, (source, content, findings)) in enumerate(zip(cases, TIPOFFS,
                                                                   strict=False)):
        received = days.on_or_after(add_months(this_month, -22 + index * 4) + timedelta(days=6))
        closed = days.forward(received, 12)
        with transaction.atomic():
            with clock(moment(received, 10)):
                tip_off = tipoff_record(actor=actor, household=case.household, source=source,
                                        content=content, received_on=received,
                                        application=case)
            if index % 2 == 0:
                with clock(moment(days.forward(received, 2), 10)):
                    tip_off = tipoff_interview(
                        actor=actor, tip_off=tip_off, reason="核实举报反映的情况",
                        scheduled_at=f"{days.forward(received, 5):%Y-%m-%d} 09:30",
                        place="乡镇（街道）社会救助服务窗口")
            with clock(moment(closed, 15)):
                tipoff_close(actor=actor, tip_off=tip_off, summary="经入户调查、邻里走访和经济状况核对",
                             findings=findings, today=closed)
        added += 1
    return added


EMERGENCIES = [
    ("990102001", "illness", "户主突发重病住院，家中老人无人照料", ("E08",),
     "县人民医院医务社工", "已协助办理住院和医保报销，联系亲属照料老人"),
    ("990102002", "disaster", "暴雨导致房屋漏水，部分家具损毁，需临时安置", ("E05",),
     "东河镇应急救助站", "已临时安置并发放被褥口粮"),
    ("990102003", "other", "独居老人行动不便，冬季取暖困难", ("E08",),
     "西山乡爱心社工服务站", "社工每周上门两次，已送去取暖物资"),
    ("990102001", "earner_lost", "丈夫因工伤丧失劳动能力，家庭收入骤减", ("E05",),
     "城关街道社会工作服务站", "已协助申请工伤认定，链接就业援助"),
    ("990102002", "illness", "孩子患白血病，长期治疗费用高", ("E08",),
     "县红十字会", "已链接大病救助和慈善助医"),
    ("990102003", "accident", "户主务农时摔伤，短期无法劳动", ("E05",),
     "西山乡卫生院", "已安排康复治疗，邻里帮扶农活"),
    ("990102001", "other", "外地来县务工人员钱物被盗，无钱返乡", ("E08",),
     "县救助管理站", "已提供临时食宿并购买返乡车票"),
    ("990102002", "homeless", "房屋租约到期无处居住，带两个孩子", ("E05",),
     "东河镇社区服务中心", "已协调公租房并临时安置"),
]


def load_emergencies(regions: dict[str, Region], *, today: date | None = None) -> int:
    """Emergency cases of the past two years, one every three months across the townships:
    opened at the window, referred to a service organisation, its result recorded and the
    case closed — through ``emergency.services`` at the times they happened. Once (the first
    narrative is the mark)."""
    from jiuzhu.emergency import services
    from jiuzhu.emergency.demo import free_households as _free_households
    from jiuzhu.emergency.models import EmergencyCase

    today = today or timezone.localdate()
    if EmergencyCase.objects.filter(narrative=EMERGENCIES[0][2]).exists():
        return 0
    this_month = today.replace(day=1)
    days = Workdays(add_months(this_month, -HISTORY_MONTHS), today)
    added = 0
    for index, (township, cause, narrative, checklist, organisation, outcome) in \
            enumerate(EMERGENCIES):
        window = demo_user(WINDOWS[township])
        region = regions.get(township)
        if window is None or region is None:
            continue
        villages = sorted((r for r in regions.values() if r.parent_id == region.pk),
                          key=lambda r: r.code)
        household = next((h for v in villages for h in _free_households(v)[:1]), None)
        if household is None:  # a small county: a family of the township with no emergency case
            household = (Household.objects.within(region).filter(status="active")
                         .filter(emergency_cases__isnull=True).order_by("pk").first())
        if household is None:
            continue
        day = days.on_or_after(add_months(this_month, -23 + index * 3) + timedelta(days=9))
        opened = moment(day, 9, 30)
        with transaction.atomic(), clock(opened):
            case = services.open_case(actor=window, household=household, source="window",
                                      cause=cause, occurred_on=day, narrative=narrative,
                                      checklist=list(checklist), sudden_expense_fen=0, now=opened)
            later = opened + timedelta(hours=1)
            with clock(later):
                case = services.refer(actor=window, case=case, target="organisation",
                                      organisation=organisation, note=narrative, now=later)
            referral = case.referrals.order_by("id").first()
            done = moment(days.forward(day, 3), 16)
            with clock(done):
                if referral is not None:
                    case = services.case_act(actor=window, case=case, action="record_referral",
                                             now=done, data={"referral_id": referral.pk,
                                                             "outcome": "done", "note": outcome})
                services.case_act(actor=window, case=case, action="close", now=done,
                                  data={"note": outcome})
        added += 1
    return added
