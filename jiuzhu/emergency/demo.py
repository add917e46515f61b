"""Demo emergency cases (急难个案, issue #11) in the three townships of the demo county, one
of every colour and state, so that every list a role opens has rows:

城关街道 (window1, reviewer1, approver1 and supervisor1 see them)
  * red, helped within the hour from the township reserve, papers pending (its MZ05 file
    open, 补办手续 due in 20 working days);
  * red, help above the township's limit waiting for the county (approver1's list);
  * red, helped and its MZ05 file decided: papers done, closed;
  * blue, running the normal temporary-assistance procedure (its MZ04 application open);
  * green, kept for monitoring (the household counts in information circle 4) with a
    department referral through the one window (医疗救助, 卫生健康局) still open.
东河镇 (window2)
  * yellow, opened five working days ago and never responded to: overdue (red alert);
  * opened from a critical lead (断炊) the hotline recorded, then re-assessed red.
西山乡 (window3)
  * green, referred to a service organisation, which answered (outcome recorded).

Everything goes through the services (``emergency.services``, ``leads.services``,
``applications.services``) as the demo user of the step's role (the system where a
township has no such user), with times counted back from now so the clocks mean something.
Idempotent: a case whose narrative is already there is left alone. Runs after the funds
demo (``jiuzhu.funds.demo``), whose township reserves and county fund pay the help.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region

from .models import EmergencyCase

#: A 1×1 PNG: the payee's signature drawn on the phone.
SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
             "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
PHOTO = base64.b64decode(SIGNATURE.split(",", 1)[1])
#: The smallest valid PDF (a scanned 身份证 for the MZ05 file).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass(frozen=True)
class Scenario:
    """One demo case: its key (for the log), the village whose household it is for, the
    event, and what happens to it (``run``)."""

    key: str
    village: str
    cause: str
    narrative: str
    checklist: tuple[str, ...]
    run: Callable[[Any, Context], None]
    #: hours before now the case was opened (working days for ``opened_days_ago``)
    opened_hours_ago: float = 2
    opened_days_ago: int = 0
    source: str = "window"
    #: the household should be outside every circle (for monitoring: circle 4)
    outside_circles: bool = False
    #: a photo of the event taken on the phone
    photo: bool = False


@dataclass
class Context:
    now: datetime
    users: dict[str, Any]
    opened_at: datetime

    def user(self, name: str) -> Any:
        return self.users.get(name) or SYSTEM

    def at(self, minutes_after_opening: float) -> datetime:
        """A moment after the case was opened, never later than now."""
        return min(self.opened_at + timedelta(minutes=minutes_after_opening), self.now)


# --- what happens to each case ------------------------------------------------------------------

def _amount(case: EmergencyCase, months: int) -> str:
    """``months`` × the household's monthly standard × its size, in yuan (the township may
    approve up to 3 months, the event cap is 6)."""
    fen = months * case.standard_fen * case.size
    return f"{fen // 100}.{fen % 100:02d}"


def _payee(case: EmergencyCase) -> str:
    return case.household.head_name or "户主"


def _helped(case: EmergencyCase, ctx: Context, *, window: str, reviewer: str) -> EmergencyCase:
    """Approved by the township reviewer within the township's limit and paid in cash with
    the payee's signature: within the hour of opening."""
    from . import services

    case = services.approve_help(actor=ctx.user(reviewer), case=case, amount=_amount(case, 2),
                                 method="cash", payee=_payee(case), now=ctx.at(20))
    return services.pay(actor=ctx.user(window), case=case, voucher=f"XJ-{case.number}",
                        signature=SIGNATURE, now=ctx.at(45))


def _red_helped(case: EmergencyCase, ctx: Context) -> None:
    _helped(case, ctx, window="window1", reviewer="reviewer1")


def _awaiting_county(case: EmergencyCase, ctx: Context) -> None:
    from . import services

    services.approve_help(actor=ctx.user("reviewer1"), case=case, amount=_amount(case, 5),
                          method="bank", payee=_payee(case), now=ctx.at(30))


def _papers_done(case: EmergencyCase, ctx: Context) -> None:
    """Helped, then its MZ05 file taken through the short procedure to the decision: the
    decision closes the case (papers done)."""
    from jiuzhu.applications.services import application_act, attachments_add

    case = _helped(case, ctx, window="window1", reviewer="reviewer1")
    assert case.application_id is not None
    today = timezone.localdate()
    window, reviewer = ctx.user("window1"), ctx.user("reviewer1")
    file_id = case.application_id
    attachments_add(actor=window, application_id=file_id,
                    files=[("身份证", "身份证.pdf", PDF)])
    steps: list[tuple[Any, str, dict[str, Any]]] = [
        (window, "accept", {}),
        (reviewer, "assign_investigation", {"investigators": ["周明", "李强"]}),
        (ctx.user("investigator1"), "record_investigation", {
            "investigators": ["周明", "李强"], "location": {"lat": 34.2658, "lng": 108.9541},
            "signatures": {"investigator_1": SIGNATURE, "investigator_2": SIGNATURE,
                           "applicant": SIGNATURE},
            "neighbour_visits": [{"name": "邻居老张", "relation": "邻居",
                                  "statement": "失火属实，一家人暂住亲戚家，生活确有困难"}],
            "visited_on": today.isoformat(),
            "findings": "房屋失火后借住亲戚家，先行救助已用于购买口粮和被褥，困难情况属实"}),
        (reviewer, "submit_opinion", {
            "recommend": "approve", "amount": _amount(case, 2),
            "reasons": "突发火灾致基本生活陷入困境，已先行救助，补办临时救助手续"}),
        # 四眼原则: who gave the opinion does not decide; the county approver does
        (ctx.user("approver1"), "approve", {}),
    ]
    photo = [("入户照片", "入户照片.png", PHOTO)]
    for actor, action, data in steps:
        application_act(actor=actor, application_id=file_id, action=action, data=data,
                        files=photo if action == "record_investigation" else None, today=today)


def _blue_procedure(case: EmergencyCase, ctx: Context) -> None:
    from . import services

    services.case_act(actor=ctx.user("window1"), case=case, action="open_procedure",
                      data={"item_code": "MZ04"}, now=ctx.at(60 * 24))


def _green_monitoring(case: EmergencyCase, ctx: Context) -> None:
    from . import services

    services.case_act(actor=ctx.user("window1"), case=case, action="monitor", now=ctx.at(60),
                      data={"reason": "暂不符合救助条件，收入不稳定，纳入监测，每季度回访"})
    services.refer(actor=ctx.user("window1"), case=case, target="department", department="WJ",
                   item_code="WJ01", note="慢性病门诊费用较高，转卫生健康局申请医疗救助",
                   now=ctx.at(90))


def _overdue(case: EmergencyCase, ctx: Context) -> None:
    """Nothing recorded since it was opened: past its three working days."""


def _from_lead(case: EmergencyCase, ctx: Context) -> None:
    from . import services

    services.reassess(actor=ctx.user("window2"), case=case, checklist=["E02", "E10"],
                      sudden_expense="0", reason="电话核实：家中已断粮两天，无任何收入来源",
                      now=ctx.at(30))


def _green_organisation(case: EmergencyCase, ctx: Context) -> None:
    from . import services

    case = services.refer(actor=ctx.user("window3"), case=case, target="organisation",
                          organisation="西山乡爱心社工服务站",
                          note="独居老人，需要生活照料和心理疏导", now=ctx.at(60))
    referral = case.referrals.order_by("id").first()
    assert referral is not None
    services.case_act(actor=ctx.user("window3"), case=case, action="record_referral",
                      now=ctx.at(60 * 24), data={
                          "referral_id": referral.pk, "outcome": "done",
                          "note": "社工已上门，安排每周两次助餐、每月一次心理疏导"})


SCENARIOS: list[Scenario] = [
    Scenario("red_helped", "990102001001", "fire",
             "凌晨厨房失火，房屋烧毁大半，一家人暂住邻居家，衣物口粮全部烧毁",
             ("E01", "E06", "E10"), _red_helped, opened_hours_ago=1.5, photo=True),
    Scenario("awaiting_county", "990102001002", "accident",
             "户主骑电动车被撞，伤势严重正在抢救，肇事方逃逸，家中无其他收入",
             ("E03", "E04", "E05"), _awaiting_county, opened_hours_ago=3),
    Scenario("papers_done", "990102001003", "fire",
             "雷击引发火灾，住房和存粮被烧毁，先行救助后补办临时救助手续",
             ("E01", "E06"), _papers_done, opened_days_ago=2),
    Scenario("blue_procedure", "990102001004", "earner_lost",
             "丈夫外出务工失联三个月，妻子独自抚养两个孩子，收入明显减少",
             ("E05",), _blue_procedure, opened_days_ago=2),
    Scenario("green_monitoring", "990102001005", "illness",
             "户主患慢性病需长期服药，收入勉强维持基本生活，邻居反映情况",
             ("E11",), _green_monitoring, opened_days_ago=1, source="grid_worker",
             outside_circles=True),
    Scenario("yellow_overdue", "990102002001", "illness",
             "户主突发脑梗住院，妻子在医院陪护无法工作，家中无人照料的老人",
             ("E04", "E08"), _overdue, opened_days_ago=5),
    Scenario("from_lead", "990102002002", "no_subsistence",
             "热线来电：独居老人家中断炊，已两天没有吃饭", (), _from_lead,
             opened_hours_ago=1, source="lead"),
    Scenario("green_organisation", "990102003001", "other",
             "独居老人行动不便，子女在外地，日常生活缺少照料",
             ("E08",), _green_organisation, opened_days_ago=3, source="village_assistant"),
]


# --- picking the households ---------------------------------------------------------------------

def _free_households(village: Region) -> Any:
    """Active households of ``village`` with no application, request, lead or emergency case
    yet, by household number (the same ones every time on the same registry)."""
    from jiuzhu.applications.models import Application
    from jiuzhu.intake.models import Request
    from jiuzhu.leads.models import Lead

    return (Household.objects.filter(region=village, status="active")
            .exclude(Exists(Application.objects.filter(household=OuterRef("pk"))))
            .exclude(Exists(Request.objects.filter(household=OuterRef("pk"))))
            .exclude(Exists(Lead.objects.filter(household=OuterRef("pk"))))
            .exclude(Exists(EmergencyCase.objects.filter(household=OuterRef("pk"))))
            .order_by("household_id"))


def _household(scenario: Scenario, village: Region) -> Household | None:
    """A free household of the scenario's village, else of another village of its township
    (a small demo has one generated family a village)."""
    villages = [village, *Region.objects.filter(parent_id=village.parent_id, level="village")
                .exclude(pk=village.pk).order_by("code")]
    for place in villages:
        households = _free_households(place)
        if scenario.outside_circles:
            from jiuzhu.assessments.models import Standing

            outside = households.filter(Exists(Standing.objects.filter(
                household=OuterRef("pk"), circle=0))).first()
            if outside is not None:
                return outside
        found = households.first()
        if found is not None:
            return found
    return None


def _back(now: datetime, working_days: int) -> datetime:
    """The same time of day ``working_days`` working days before now."""
    from jiuzhu.calendars.selectors import is_workday

    day, moment = timezone.localtime(now).date(), timezone.localtime(now)
    while working_days > 0:
        day -= timedelta(days=1)
        if is_workday(day):
            working_days -= 1
    return moment.replace(year=day.year, month=day.month, day=day.day, hour=9, minute=30)


# --- loading -----------------------------------------------------------------------------------

def _open(scenario: Scenario, household: Household, ctx: Context) -> EmergencyCase | None:
    """Open the case of ``scenario``: by the window (or the grid worker, the village
    assistant), or by recording a critical lead the hotline took (the leads hook opens it)."""
    from . import services

    occurred: date = timezone.localtime(ctx.opened_at).date()
    if scenario.source == "lead":
        return _open_from_lead(scenario, household, ctx)
    township = household.region.code[:9]
    opener = {"990102001": "window1", "990102002": "window2", "990102003": "window3"}[township]
    if scenario.source == "grid_worker" and household.grid_id is not None:
        grid_user = _grid_worker(household)
        opener = grid_user or opener
    elif scenario.source == "village_assistant" and township == "990102001":
        opener = "assistant1"
    actor = ctx.user(opener) if isinstance(opener, str) else opener
    photos = [("现场照片.png", PHOTO)] if scenario.photo else None
    return services.open_case(actor=actor, household=household, source=scenario.source,
                              cause=scenario.cause, occurred_on=occurred,
                              narrative=scenario.narrative, checklist=list(scenario.checklist),
                              sudden_expense_fen=0, photos=photos, now=ctx.opened_at)


def _grid_worker(household: Household) -> Any:
    from jiuzhu.leads.models import GridAssignment

    assignment = (GridAssignment.objects.filter(grid_id=household.grid_id, worker__is_active=True)
                  .select_related("worker").order_by("id").first())
    return assignment.worker if assignment else None


def _open_from_lead(scenario: Scenario, household: Household, ctx: Context) -> EmergencyCase | None:
    """A critical lead (紧急) from the hotline naming the household's head: recording it opens
    the case at once through ``leads.events.on_critical_lead``."""
    from jiuzhu.leads import services as leads

    head = household.members.filter(relation="head").first() or household.members.first()
    if head is None or not head.id_number:
        return None
    region = household.grid or household.region
    lead = leads.lead_record(actor=ctx.user("window2"), data={
        "source": "hotline", "reporter_name": "邻居周大姐", "reporter_phone": "13800990188",
        "person_name": head.name, "id_number": head.id_number, "phone": household.phone or "",
        "address": household.address or "", "region_code": region.code,
        "description": scenario.narrative, "urgency": "critical"})
    return EmergencyCase.objects.filter(lead=lead).first()


def load(regions: dict[str, Region] | None = None, *,
         log: Callable[[str], None] | None = None) -> int:
    """The demo cases not there yet (each in its own transaction); returns how many were
    added. Needs the demo users and households, and the funds demo's money."""
    users = {name: demo_user(name) for name in (
        "window1", "window2", "window3", "reviewer1", "approver1", "investigator1",
        "assistant1", "grid1")}
    users = {k: v for k, v in users.items() if v is not None}
    now = timezone.now()
    added = 0
    for scenario in SCENARIOS:
        if EmergencyCase.objects.filter(narrative=scenario.narrative).exists():
            continue
        village = (regions or {}).get(scenario.village) or \
            Region.objects.filter(code=scenario.village).first()
        household = _household(scenario, village) if village is not None else None
        if household is None:
            if log:
                log(f"急难演示：{scenario.key} 没有可用的家庭，跳过")
            continue
        if scenario.opened_days_ago:
            opened_at = _back(now, scenario.opened_days_ago)
        else:
            opened_at = now - timedelta(hours=scenario.opened_hours_ago)
        ctx = Context(now=now, users=users, opened_at=opened_at)
        with transaction.atomic():
            case = _open(scenario, household, ctx)
            if case is None:
                continue
            scenario.run(case, ctx)
        added += 1
    return added


#: public name for the demo history (the same function)
free_households = _free_households
