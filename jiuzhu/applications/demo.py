"""Demo cases of the paperless procedure (低保审核确认, also MZ03 and MZ04) in the demo county,
one in every state: submitted (one of them red), awaiting supplement, accepted with the
investigation assigned, in appraisal, in opinion, on public notice, awaiting decision,
approved, in payment, refused and withdrawn — most in 城关街道, some in 东河镇 and 西山乡.

Every case is taken through ``services.application_create`` and
``services.application_act`` by the demo user of the step's role (window1 accepts,
reviewer1 assigns two people of the township from the list (investigator1 and the
family's village assistant or grid worker: their 我的调查) and gives the opinion,
investigator1 surveys, verifier1 records the
verification of a completed request of ``jiuzhu.verification``, approver1 decides; the
system where the township has no such user), with the materials the checklist asks for
(tiny real PDF and PNG files), a photo and signatures on the survey. The steps issue their
documents. Dates are counted back from today in working days, so the deadlines mean
something: some steps are yellow, one case is red.

Idempotent: a family that already has an application of the case's item is left alone.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household

from .models import Application
from .procedure import procedure_for

#: A 1×1 PNG (a photo, a drawn signature) and the smallest valid PDF (a scanned material).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
SIGNATURE = "data:image/png;base64," + base64.b64encode(PNG).decode()

#: The whole path of a case, in order: (action, role of the demo user who takes it,
#: working days after the previous step; ``close_notice`` counts calendar days).
PATH: list[tuple[str, str, int]] = [
    ("create", "window", 0),
    ("request_supplement", "window", 1),
    ("accept", "window", 1),
    ("assign_investigation", "reviewer", 0),
    ("record_verification", "verifier", 2),
    ("record_investigation", "investigator", 1),
    ("record_appraisal", "appraiser", 2),
    ("submit_opinion", "reviewer", 1),
    ("publish_notice", "reviewer", 0),
    ("close_notice", "reviewer", 8),
    ("approve", "approver", 1),
    ("refuse", "approver", 1),
    ("withdraw", "window", 1),
]

#: The demo users of each township, by the role a step needs (``None``: the system).
STAFF = {
    "990102001": {"window": "window1", "reviewer": "reviewer1", "investigator": "investigator1",
                  "appraiser": "reviewer1"},
    "990102002": {"window": "window2"},
    "990102003": {"window": "window3"},
}
COUNTY_STAFF = {"verifier": "verifier1", "approver": "approver1"}


@dataclass
class Case:
    """One demo case: the family (``households.demo.CASE_FAMILIES``), the item, the steps
    it takes (a subset of :data:`PATH`, in its order), and when it was submitted
    (working days before today). ``decided_today`` moves the decision to today (an
    approval of this month, paid from the next); ``opinion`` the reviewer's opinion."""

    family: str
    item: str
    steps: tuple[str, ...]
    submitted_ago: int
    decided_today: bool = False
    #: submitted so that the step it waits in is yellow today (``submitted_ago`` ignored)
    yellow: bool = False
    opinion: dict[str, Any] = field(default_factory=lambda: {"recommend": "approve"})


FULL = ("create", "accept", "assign_investigation", "record_verification",
        "record_investigation", "record_appraisal", "submit_opinion", "publish_notice",
        "close_notice", "approve")


def _until(last: str) -> tuple[str, ...]:
    return FULL[:FULL.index(last) + 1]


CASES: list[Case] = [
    Case("submitted_red", "MZ01", ("create",), 0, yellow=True),  # acceptance due: yellow
    Case("submitted", "MZ01", ("create",), 1),
    Case("supplement", "MZ01", ("create", "request_supplement"), 5),
    Case("investigation", "MZ01", _until("assign_investigation"), 0, yellow=True),
    Case("appraisal", "MZ01", _until("record_investigation"), 0, yellow=True),
    Case("opinion", "MZ01", _until("record_appraisal"), 8),
    Case("notice", "MZ01", _until("publish_notice"), 10),
    Case("decision", "MZ01", _until("close_notice"), 0, yellow=True),
    Case("approved", "MZ01", FULL, 25, decided_today=True),
    Case("paid_overdue", "MZ01", FULL, 110),  # paid for months; its review is overdue
    Case("paid", "MZ01", FULL, 70),
    Case("suspended", "MZ01", FULL, 70),  # the supervision demo suspends it on a tip-off
    Case("refused", "MZ01", (*_until("submit_opinion"), "refuse"), 15,
         opinion={"recommend": "refuse",
                  "reasons": "家庭人均收入和存款均高于本县最低生活保障标准，不符合低保条件"}),
    Case("withdrawn", "MZ01", ("create", "withdraw"), 4),
    Case("tekun", "MZ03", ("create", "accept", "assign_investigation", "record_verification",
                           "record_investigation", "submit_opinion", "publish_notice",
                           "close_notice", "approve"), 70),
    Case("temporary", "MZ04", ("create", "accept", "assign_investigation",
                               "record_investigation", "submit_opinion", "approve"), 6,
         decided_today=True,
         opinion={"recommend": "approve", "amount": "1500.00",
                  "reasons": "夫妻二人均患重病，近期医疗支出较大，基本生活暂时出现严重困难"}),
    Case("donghe_accepted", "MZ01", _until("assign_investigation"), 3),
    Case("donghe_paid", "MZ01", FULL, 70),
    Case("xishan_submitted", "MZ01", ("create",), 0),
    Case("xishan_temporary", "MZ04", ("create", "accept", "assign_investigation",
                                      "record_investigation", "submit_opinion", "approve"), 5,
         decided_today=True,
         opinion={"recommend": "approve", "amount": "1200.00",
                  "reasons": "家中主要劳动力突发重病，临时生活困难"}),
]


#: 四眼原则 in the demo county: a month's benefit above ¥1,500 needs a second approver. Set
#: after the cases above (decided by approver1 alone), then this case is approved by
#: approver1 and waits in 待审批 for approver2 (已由 冯军 审批，待第二审批人确认).
SECOND_APPROVAL_ABOVE = "1500.00"
SECOND_APPROVAL_CASE = Case("second_approval", "MZ01", FULL, 20, decided_today=True)


def second_approval_rule(county_code: str = "990102") -> None:
    """The demo county's threshold of a second approval (its other rules as they are)."""
    from jiuzhu.regions.models import Region

    from .models import DutyRule

    county = Region.objects.filter(code=county_code).first()
    if county is not None:
        DutyRule.objects.update_or_create(
            region=county, defaults={"second_approval_above": Decimal(SECOND_APPROVAL_ABOVE)})


# --- dates -------------------------------------------------------------------------------------

class Days:
    """Working-day arithmetic around today, with one calendar window read once."""

    def __init__(self, today: date):
        from jiuzhu.calendars.selectors import calendar_window

        self.today = today
        self.window = calendar_window(today - timedelta(days=400), today + timedelta(days=60))

    def workday(self, day: date) -> bool:
        from jiuzhu.calendars.selectors import is_workday

        return is_workday(day, calendar=self.window)

    def back(self, n: int) -> date:
        """The working day ``n`` working days before today (today when n is 0)."""
        day = self.today
        while n > 0 or not self.workday(day):
            day -= timedelta(days=1)
            if self.workday(day):
                n -= 1
        return day

    def forward(self, day: date, n: int) -> date:
        from jiuzhu.calendars.selectors import add_working_days

        return add_working_days(day, n, calendar=self.window).due


#: The time limit that runs after a case's last step (``calendars/limits/<county>.yaml``).
RUNNING_STEP = {"create": "acceptance", "accept": "investigation",
                "assign_investigation": "investigation", "record_investigation": "appraisal",
                "record_appraisal": "opinion", "close_notice": "decision"}


def case_dates(case: Case, days: Days) -> list[date]:
    """The day of each step of ``case``: from its submission, each step the working days
    of :data:`PATH` after the previous one (the notice's end 8 calendar days after it was
    published, then the next working day); never after today. A ``yellow`` case is
    submitted as late as its running step is yellow today (whatever the weekday)."""
    if not case.yellow:
        return _dates_from(case, days, days.back(case.submitted_ago))
    from jiuzhu.calendars.alerts import yellow_from
    from jiuzhu.calendars.limits import step_limits

    limit = getattr(step_limits("990102"), RUNNING_STEP[case.steps[-1]])
    for ago in range(0, 60):
        dates = _dates_from(case, days, days.back(ago))
        start = dates[-1]
        first_yellow = yellow_from(start, limit, calendar=days.window)
        if first_yellow is not None and first_yellow <= days.today <= days.forward(start, limit):
            return dates
    return _dates_from(case, days, days.back(case.submitted_ago))


def _dates_from(case: Case, days: Days, submitted: date) -> list[date]:
    gaps = {action: gap for action, _role, gap in PATH}
    dates: list[date] = []
    day = submitted
    for action in case.steps:
        if dates:
            if action == "close_notice":
                day = day + timedelta(days=gaps[action])
                while not days.workday(day) and day < days.today:
                    day += timedelta(days=1)
            else:
                day = days.forward(day, gaps[action])
        dates.append(min(day, days.today))
    if case.decided_today and case.steps[-1] in ("approve", "refuse"):
        dates[-1] = days.today
    return dates


# --- the steps ---------------------------------------------------------------------------------

def _materials(item: str, region_code: str, on: date) -> tuple[str, ...]:
    if item == "MZ01":
        return procedure_for(region_code).materials
    from jiuzhu.catalogue.selectors import item_in_force

    return tuple(item_in_force(item, on).materials or ())


def _files(names: tuple[str, ...] | list[str]) -> list[tuple[str, str, bytes]]:
    return [(name, f"{name}.pdf", PDF) for name in names]


def _actor(role: str, household: Household, users: dict[str, Any]) -> Any:
    if role in COUNTY_STAFF:
        return users.get(COUNTY_STAFF[role]) or SYSTEM
    if role == "appraiser" and users.get("assistant1") is not None and \
            household.region.code == users["assistant1"].region.code:
        return users["assistant1"]  # the village assistant of 东门社区 keeps its appraisals
    name = STAFF.get(household.region.code[:9], {}).get(role)
    return (users.get(name) if name else None) or SYSTEM


def _data(action: str, case: Case, day: date, household: Household) -> tuple[dict[str, Any], Any]:
    """The input of ``action`` on ``case`` (and the files sent with it)."""
    if action == "request_supplement":
        return {"missing": ["收入证明", "财产申报表"]}, None
    if action == "assign_investigation":
        return {"investigators": ["周明", "李强"]}, None
    if action == "record_investigation":
        head = household.members.filter(relation="head").values_list("name", flat=True).first()
        return {"investigators": ["周明", "李强"], "location": {"lat": 34.2658, "lng": 108.9541},
                "signatures": {"investigator_1": SIGNATURE, "investigator_2": SIGNATURE,
                               "applicant": SIGNATURE},
                "neighbour_visits": [{"name": "邻居老张", "relation": "邻居",
                                      "statement": f"{head or '申请人'}家确实困难，平时靠打零工和亲戚接济"}],
                "visited_on": day.isoformat(),
                "findings": "住房简陋，家中无值钱家电，主要劳动力患病，生活困难属实",
                "survey": _survey(household)}, \
            [("入户照片", "入户照片.png", PNG)]
    if action == "record_appraisal":
        return {"members_present": 15, "votes_for": 14, "votes_against": 1, "result": "pass",
                "note": "村（居）民代表民主评议，多数同意"}, None
    if action == "submit_opinion":
        return dict(case.opinion), None
    if action == "refuse":
        return {"reasons": case.opinion.get("reasons") or "不符合条件"}, None
    if action == "withdraw":
        return {"reason": "申请人家庭情况好转（子女就业），主动撤回申请"}, None
    return {}, None


def _survey(household: Household) -> dict[str, Any]:
    """入户调查核实 (移动调查): the incomes as found — the head's wages 2,400 元/年 above what
    was declared (a difference the case page and D06 state), the rest as declared."""
    members = list(household.members.order_by("position").values_list("member_id", "wages"))
    return {"members": [{"member_id": member_id,
                         "incomes": {"wages": str(wages + (2400 if index == 0 else 0))}}
                        for index, (member_id, wages) in enumerate(members)],
            "housing": "砖混平房两间，约 45 平方米，屋顶漏雨",
            "living_conditions": "家中无值钱家电，靠打零工和亲戚接济"}


def _assignment(application: Application) -> dict[str, Any]:
    """Two people of the township who may investigate the family, chosen from the list the
    reviewer sees (城关街道: investigator1 and the family's village assistant or grid
    worker, who then find it in 我的调查); typed names where the township has fewer."""
    from .selectors import investigation_candidates

    people = investigation_candidates(application)
    if len(people) >= 2:
        return {"investigator_ids": [u.pk for u in people[:2]]}
    return {"investigators": ["周明", "李强"]}


def run_case(case: Case, household: Household, users: dict[str, Any], days: Days) -> Application:
    """Take ``case`` through its steps (one transaction: all of it or nothing)."""
    from jiuzhu.verification.demo import findings_decide, verification_completed

    from .services import application_act, application_create

    dates = case_dates(case, days)
    with transaction.atomic():
        application: Application | None = None
        for action, day in zip(case.steps, dates, strict=True):
            role = next(r for a, r, _g in PATH if a == action)
            actor = _actor(role, household, users)
            if action == "create":
                materials = list(_materials(case.item, household.region.code, day))
                if "request_supplement" in case.steps:
                    materials = [m for m in materials if m not in ("收入证明", "财产申报表")]
                application = application_create(actor=actor, household=household,
                                                 item_code=case.item, channel="window",
                                                 files=_files(materials), today=day)
                continue
            assert application is not None
            data, files = _data(action, case, day, household)
            if action == "assign_investigation":
                data = _assignment(application)
            elif action == "record_investigation" and len(application.investigators) >= 2:
                data["investigators"] = list(application.investigators[:2])
            if action == "record_verification":
                verifier = users.get("verifier1")
                if verifier is None:
                    break  # no verification officer to ask the sources: the case waits here
                request = verification_completed(actor=verifier, household=household)
                if request is None:
                    break
                if "approve" in case.steps:
                    findings_decide(actor=verifier, request=request, accept=False,
                                    reason="经入户调查核实，差异系数据源登记滞后，不采纳")
                elif "refuse" in case.steps:
                    findings_decide(actor=verifier, request=request, accept=True,
                                    reason="核对结果属实，按部门数据更新家庭信息")
                data = {"request_id": request.pk}
            application = application_act(actor=actor, application_id=application.pk,
                                          action=action, data=data, files=files, today=day)
    assert application is not None
    return application


def load_applications_demo(families: dict[str, Household]) -> int:
    """The demo cases whose family has no application of the case's item yet; returns
    how many were created."""
    users = {name: demo_user(name) for name in
             ("window1", "window2", "window3", "assistant1", "reviewer1", "investigator1",
              "verifier1", "approver1")}
    users = {k: v for k, v in users.items() if v is not None}
    days = Days(timezone.localdate())
    created = 0
    for case in [*CASES, SECOND_APPROVAL_CASE]:
        if case is SECOND_APPROVAL_CASE:  # the other cases were decided by one approver
            second_approval_rule()
        household = families.get(case.family)
        if household is None or Application.objects.filter(household=household,
                                                            item_code=case.item).exists():
            continue
        run_case(case, household, users, days)
        created += 1
    return created
