"""Demo data of 幸福云: the three demo companies as providers, 30 volunteers (volunteer1
and volunteer2–volunteer30 of 示范县青年志愿者协会) with skills, locations and weekly
availability, and needs in every state — offered, accepted, in service, done, confirmed
(points issued through the points app), cancelled, back to staff and a draft — all
through the services. Idempotent: providers by name, needs only when there are none."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.demo import DEMO_PASSWORD, demo_user
from jiuzhu.accounts.models import Organisation, User
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household
from jiuzhu.leads.models import GridAssignment, Lead
from jiuzhu.regions.models import Region

from . import services
from .choices import Skill
from .matching import serves
from .models import Offer, Provider, ServiceNeed

COUNTY = "990102"
CENTRE = (36.0611, 103.8343)
VOLUNTEER_TEAM = "示范县青年志愿者协会"
COMPANY_SKILLS = [["cleaning", "bathing", "escort"], ["meals", "shopping"], ["repairs"]]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟强军磊勇杰涛明超刚平辉鹏华飞芳娜敏静丽艳娟霞秀英玲"


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _week(rng: random.Random) -> dict[str, list[list[str]]]:
    days = rng.sample(range(7), rng.randint(3, 6))
    low = rng.choice(["07:00", "08:00", "09:00"])
    high = rng.choice(["17:00", "18:00", "20:00"])
    return {str(d): [[low, high]] for d in sorted(days)}


def _spot(rng: random.Random) -> tuple[str, str]:
    return (f"{CENTRE[0] + rng.uniform(-0.08, 0.08):.6f}",
            f"{CENTRE[1] + rng.uniform(-0.08, 0.08):.6f}")


def load_providers(rng: random.Random) -> int:
    county = Region.objects.filter(code=COUNTY).first()
    if county is None:
        return 0
    townships = list(Region.objects.within(county).filter(level="township")
                     .order_by("code"))
    villages = list(Region.objects.within(county).filter(level="village")
                    .order_by("code"))
    created = 0
    for i, org in enumerate(Organisation.objects.filter(kind="company").order_by("id")[:3]):
        if Provider.objects.filter(name=org.name).exists():
            continue
        lat, lon = _spot(rng)
        services.provider_register(actor=SYSTEM, data={
            "name": org.name, "kind": "company", "region_code": org.region.code,
            "organisation_id": org.pk, "regions_served": [county.code],
            "skills": COMPANY_SKILLS[i % 3], "phone": org.phone, "latitude": lat,
            "longitude": lon, "availability": {str(d): [["08:00", "20:00"]] for d in range(7)}})
        created += 1
    team = Organisation.objects.filter(name=VOLUNTEER_TEAM).first()
    hashed = ""
    for n in range(1, 31):
        username = f"volunteer{n}"
        user = demo_user(username) if n == 1 else User.objects.filter(username=username).first()
        if user is None and n > 1 and team is not None:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            hashed = hashed or make_password(DEMO_PASSWORD)
            user = User.objects.create(username=username, role="provider", region=county,
                                       organisation=team, full_name=name, password=hashed,
                                       phone=f"1370000{n:04d}")
        name = user.full_name if user is not None else f"志愿者{n}"
        if Provider.objects.filter(user=user).exists() if user else Provider.objects.filter(
                name=name).exists():
            continue
        home = villages[n % len(villages)] if villages else county
        served = [home.code] if n % 3 else [county.code]
        if n % 3 == 2 and townships:
            served = [townships[n % len(townships)].code]
        skills = rng.sample(Skill.values, rng.randint(1, 3))
        if n == 1:
            skills, served = ["cleaning", "escort", "shopping"], [county.code]
        lat, lon = _spot(rng) if n % 4 else ("", "")
        services.provider_register(actor=SYSTEM, data={
            "name": name, "kind": "volunteer", "region_code": home.code,
            "regions_served": served, "skills": skills,
            "username": user.username if user is not None else "",
            "organisation_id": team.pk if team else None, "latitude": lat, "longitude": lon,
            "availability": ({str(d): [["07:00", "21:00"]] for d in range(7)} if n == 1
                             else _week(rng))})
        created += 1
    return created


def _confirmer(household: Household) -> Any:
    if household.grid_id:
        assignment = GridAssignment.objects.filter(grid_id=household.grid_id).select_related(
            "worker").first()
        if assignment is not None:
            return assignment.worker
    return SYSTEM


def _need(household: Household, skill: str, start: datetime, text: str, *,
          publish: bool = True, actor: Any = SYSTEM,
          source: dict[str, Any] | None = None) -> ServiceNeed:
    """Posted by staff (the system) for ``household``, or by ``actor`` from ``source`` (a
    station keeper's ``{"lead_id": …}``)."""
    return services.need_create(actor=actor, publish=publish, data={
        **(source or {"household_id": household.household_id}), "skill": skill,
        "description": text, "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "address": household.address or "示范县"})


def _station_lead() -> tuple[Any, Any]:
    """station1 and a lead reported under their station that has a family, if the demo has
    one: the first served need is the station's, so its page counts a service delivered."""
    keeper = User.objects.filter(username="station1").first()
    if keeper is None:
        return None, None
    lead = (Lead.objects.visible_to(keeper).filter(station__isnull=False, household__isnull=False)
            .select_related("household").order_by("pk").first())
    return keeper, lead


def _accept(need: ServiceNeed, now: datetime) -> Any:
    """The best-ranked offered provider with an account accepts (volunteer1 first)."""
    offers = list(Offer.objects.filter(need=need, answer="pending", provider__user__isnull=False)
                  .select_related("provider__user").order_by("rank"))
    offers.sort(key=lambda o: getattr(o.provider.user, "username", "") != "volunteer1")
    if not offers:
        return None
    return services.accept(actor=offers[0].provider.user, need=need, now=now)


def load_needs(rng: random.Random) -> int:
    if ServiceNeed.objects.exists():
        return 0
    volunteer1 = Provider.objects.filter(user__username="volunteer1").first()
    served = [r.path for r in volunteer1.regions_served.all()] if volunteer1 else []
    families = [h for h in Household.objects.filter(status="active").order_by("id")[:400]
                if serves(served, h.region_path)]
    if not families:
        return 0
    rng.shuffle(families)
    now = timezone.now()
    day = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0)
    made = 0
    plan = [("confirmed", "cleaning", "打扫房间、清洗被褥"), ("confirmed", "escort", "陪同到县医院复查"),
            ("confirmed", "shopping", "代购米面油和药品"), ("confirmed", "cleaning", "入冬前大扫除"),
            ("done", "escort", "陪同到乡卫生院取药"), ("in_service", "cleaning", "厨房卫生间清洁"),
            ("accepted", "shopping", "代购冬季取暖用品"), ("offered", "cleaning", "擦窗、整理杂物"),
            ("offered", "meals", "每日午餐送餐"), ("back_to_staff", "legal", "赡养纠纷法律咨询"),
            ("cancelled", "repairs", "修理漏水的水龙头"), ("draft", "counselling", "独居老人心理疏导")]
    keeper, station_lead = _station_lead()
    for i, (state, skill, text) in enumerate(plan):
        household = families[i % len(families)]
        past = state in ("confirmed", "done", "in_service")
        start = day - timedelta(days=20 - i) if past else day + timedelta(days=2 + i % 3)
        with transaction.atomic():
            if i == 0 and station_lead is not None:  # posted by the love station
                household = station_lead.household
                need = _need(household, skill, start, text, actor=keeper,
                             source={"lead_id": station_lead.pk})
            else:
                need = _need(household, skill, start, text, publish=state != "draft")
            made += 1
            if state in ("draft", "offered") or need.state == "back_to_staff":
                continue
            if state == "back_to_staff":
                services.need_act(actor=SYSTEM, need=need, action="roll",
                                  now=now + timedelta(hours=25))
                need.refresh_from_db()
                if need.state == "offered":
                    services.need_act(actor=SYSTEM, need=need, action="roll",
                                      now=now + timedelta(hours=50))
                continue
            if state == "cancelled":
                services.need_act(actor=SYSTEM, need=need, action="cancel",
                                  data={"reason": "家属已自行修好"})
                continue
            order = _accept(need, start - timedelta(days=1) if past else now)
            if order is None or state == "accepted":
                continue
            user = order.provider.user
            services.order_act(actor=user, order=order, action="check_in", now=start,
                               data={"latitude": str(need.latitude or CENTRE[0]),
                                     "longitude": str(need.longitude or CENTRE[1])})
            if state == "in_service":
                continue
            minutes = rng.choice([65, 95, 120, 150])
            services.order_act(actor=user, order=order, action="check_out",
                               now=start + timedelta(minutes=minutes))
            if state == "done":
                continue
            services.order_act(actor=_confirmer(household), order=order, action="confirm",
                               now=start + timedelta(minutes=minutes + 60),
                               data={"rating": rng.choice([4, 5, 5]), "comment": "服务周到"})
    return made


def load(stdout: Any = None) -> int:
    """Create the demo providers and needs that are missing; returns how many were made."""
    rng = random.Random(990512)
    with transaction.atomic():
        providers = load_providers(rng)
    needs = load_needs(rng)
    _say(stdout, f"幸福云: 新建服务商 {providers} 个、服务需求 {needs} 条")
    return providers + needs
