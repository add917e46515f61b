"""Demo social-worker cases of socialworker1 (示范县社会工作服务中心), through the services:
one in every phase and state — 事前干预 of a circle-3 family (with a plan), 事中介入 alongside
an emergency case (else an application), 事后追踪 a month after emergency help (its first
visit overdue) and after leaving dibao (a visit done), and a closed case with outcomes.
Idempotent: each demo case has its key; loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.accounts.models import Organisation
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region

from . import services
from .models import Goal, SocialCase, SocialWorkAssignment

ORGANISATION = "示范县社会工作服务中心"
COUNTY = "990102"


def _say(stdout: Any, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _assignment(org: Organisation) -> None:
    county = Region.objects.filter(code=COUNTY).first()
    if county is not None and not SocialWorkAssignment.objects.filter(county=county).exists():
        SocialWorkAssignment.objects.create(county=county, region_path=county.path,
                                            organisation=org)


def _county() -> Region | None:
    return Region.objects.filter(code=COUNTY).first()


def _circle3_household() -> Household | None:
    from jiuzhu.assessments.models import Standing

    taken = SocialCase.objects.values("household")
    row = (Standing.objects.within(_county()).filter(circle=3, household__status="active")
           .exclude(household__in=taken).order_by("-index_hundredths").first())
    if row is not None:
        return row.household
    return (Household.objects.within(_county()).filter(status="active").exclude(pk__in=taken)
            .order_by("id").first())


def _free_household() -> Household | None:
    taken = SocialCase.objects.values("household")
    return (Household.objects.within(_county()).filter(status="active").exclude(pk__in=taken)
            .order_by("-id").first())


def _open(key: str, **kwargs: Any) -> SocialCase | None:
    if SocialCase.objects.filter(origin_key=key).exists():
        return None
    if kwargs.get("household") is None:
        return None
    return services.case_open(actor=SYSTEM, origin_key=key, **kwargs)


PLAN = {"needs": [
    {"kind": "care", "description": "独居老人行动不便，需要生活照料",
     "goals": [{"text": "每周上门助洁一次"}, {"text": "链接助餐服务"}]},
    {"kind": "counselling", "description": "丧偶后情绪低落", "goals": [{"text": "每月心理疏导两次"}]},
]}


def load(stdout: Any = None) -> int:
    """The demo cases not there yet; returns how many were added."""
    from jiuzhu.applications.models import Application
    from jiuzhu.emergency.models import EmergencyCase, FirstHelp

    org = Organisation.objects.filter(name=ORGANISATION).first()
    worker = demo_user("socialworker1")
    if org is None or worker is None:
        _say(stdout, "社工介入演示：没有示范县社会工作服务中心或 socialworker1，跳过")
        return 0
    _assignment(org)
    now = timezone.now()
    today = timezone.localdate()
    added = 0
    with transaction.atomic():
        # 事前干预: a circle-3 family, with a plan and a first home visit
        case = _open("demo:before", household=_circle3_household(), phase="before",
                     trigger="circle", social_worker=worker, summary="第三圈家庭，独居老人需要照料",
                     opened_at=now - timedelta(days=20))
        if case is not None:
            added += 1
            services.case_act(actor=worker, case=case, action="plan", data=PLAN)
            services.case_act(actor=worker, case=case, action="record_visit", data={
                "done_on": (today - timedelta(days=18)).isoformat(), "kind": "home",
                "notes": "入户了解情况，老人腿脚不便，冰箱空置", "next_due_on": (today + timedelta(days=10)).isoformat()})
            services.case_act(actor=worker, case=case, action="refer", data={
                "target": "xingfu", "name": "幸福云助餐服务", "note": "每日午餐送餐"})
        # 事中介入: alongside an emergency case of the emergency demo, else an application
        emergency = EmergencyCase.objects.within(_county()).exclude(
            household__in=SocialCase.objects.values("household")).order_by("id").first()
        if emergency is not None:
            case = _open("demo:during", household=emergency.household, phase="during",
                         trigger="emergency", emergency_case=emergency, social_worker=worker,
                         summary="火灾后心理疏导与住房协调", opened_at=now - timedelta(days=3))
        else:
            application = Application.objects.within(_county()).exclude(
                household__in=SocialCase.objects.values("household")).order_by("id").first()
            case = _open("demo:during", household=application.household if application else None,
                         phase="during", trigger="application", application=application,
                         social_worker=worker, summary="申请期间的就业能力提升",
                         opened_at=now - timedelta(days=3))
        if case is not None:
            added += 1
            services.case_act(actor=worker, case=case, action="plan", data={"needs": [
                {"kind": "housing", "description": "住房受损", "goals": [{"text": "协调临时住所"}]}]})
        # 事后追踪 a month after emergency help: its 1-month visit overdue
        help_ = (FirstHelp.objects.filter(paid_at__isnull=False, released_at__isnull=True,
                                          case__in=EmergencyCase.objects.within(_county()))
                 .select_related("case").order_by("id").first())
        if help_ is not None and not SocialCase.objects.filter(
                origin_key=f"after_emergency:{help_.case_id}").exists():
            case = services.case_open(
                actor=SYSTEM, household=help_.case.household_id, phase="after",
                trigger="after_emergency", emergency_case=help_.case, social_worker=worker,
                origin_key=f"after_emergency:{help_.case_id}", summary="急难救助发放一个月后追踪",
                opened_at=now - timedelta(days=45))
            added += 1
        # 事后追踪 after leaving dibao: the 1-month visit done (by phone)
        stopped = (Application.objects.within(_county())
                   .filter(state="stopped", item_code="MZ01").order_by("id").first())
        key = f"left_dibao:{stopped.pk}" if stopped is not None else "demo:left_dibao"
        household = stopped.household if stopped is not None else _free_household()
        case = _open(key, household=household, phase="after", trigger="left_dibao",
                     application=stopped, social_worker=worker, summary="退出低保后追踪",
                     opened_at=now - timedelta(days=35))
        if case is not None:
            added += 1
            first = case.visits.order_by("due_on").first()
            assert first is not None and first.due_on is not None
            services.case_act(actor=worker, case=case, action="record_visit", data={
                "done_on": min(first.due_on, today).isoformat(), "kind": "phone",
                "visit_id": first.pk, "notes": "电话回访，家庭务工收入稳定"})
        # a closed case with the outcome of every goal
        case = _open("demo:closed", household=_free_household(), phase="before",
                     trigger="hardship", social_worker=worker, summary="子女课业辅导",
                     opened_at=now - timedelta(days=90))
        if case is not None:
            added += 1
            services.case_act(actor=worker, case=case, action="plan", data={"needs": [
                {"kind": "education", "description": "孩子成绩下滑", "goals": [{"text": "每周课业辅导"}]},
                {"kind": "employment", "description": "母亲待业", "goals": [{"text": "参加技能培训"}]}]})
            services.case_act(actor=worker, case=case, action="record_visit", data={
                "done_on": (today - timedelta(days=60)).isoformat(), "kind": "escort",
                "notes": "陪同报名县人社局技能培训"})
            goals = Goal.objects.filter(need__case=case).order_by("id")
            outcomes = {str(g.pk): outcome
                        for g, outcome in zip(goals, ("achieved", "partly"), strict=False)}
            services.case_act(actor=worker, case=case, action="close", data={
                "note": "孩子成绩回升，母亲完成培训待就业", "outcomes": outcomes})
    _say(stdout, f"社工介入演示：新增 {added} 个社工个案")
    return added
