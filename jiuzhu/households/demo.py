"""The demo county's households: about 2,000 realistic families generated from a fixed
seed per village, so loading twice registers the same families and adds nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from jiuzhu.core.access import SYSTEM

from .idnumber import id_number_make
from .models import Household

if TYPE_CHECKING:
    from jiuzhu.regions.models import Region

ASSESSMENT_DATE = date(2026, 3, 1)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_M = "伟强军磊勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志海峰"
GIVEN_F = "芳娜敏静丽艳娟霞秀英玲桂兰红梅琳燕萍雪倩婷慧莹颖洁琴晶欣月凤春兰"
STREETS = ["人民路", "解放路", "建设路", "中山路", "河滨路", "文化路", "新华街", "东大街"]


def _name(rng: random.Random, female: bool) -> str:
    given = GIVEN_F if female else GIVEN_M
    n = 1 if rng.random() < 0.35 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(n))


def _birth(rng: random.Random, age_low: int, age_high: int) -> date:
    age_days = rng.randint(age_low * 365 + 1, age_high * 365 + 300)
    return ASSESSMENT_DATE - timedelta(days=age_days)


def _age(birth: date) -> int:
    years = ASSESSMENT_DATE.year - birth.year
    return years - ((ASSESSMENT_DATE.month, ASSESSMENT_DATE.day) < (birth.month, birth.day))


def _money(rng: random.Random, low: int, high: int, step: int = 100) -> Decimal:
    return Decimal(rng.randrange(low // step, high // step + 1) * step)


def household_demo_dict(rng: random.Random, *, household_id: str, village: Region,
                        sequence: int, used_ids: set[str] | None = None) -> dict[str, Any]:
    """One realistic household of a village, as household.schema.json."""
    rural = village.area_type == "rural"
    kind = rng.choices(
        ["elderly_alone", "elderly_couple", "family", "single_parent", "disabled", "young"],
        weights=[14, 12, 48, 8, 10, 8])[0]
    members: list[dict[str, Any]] = []

    def add(relation: str, age_low: int, age_high: int, female: bool, **extra: Any) -> None:
        birth = _birth(rng, age_low, age_high)
        age = _age(birth)
        health = extra.pop("health", None) or rng.choices(
            ["healthy", "chronic_illness", "mild_disability", "moderate_disability",
             "serious_illness", "severe_disability"],
            weights=[55, 18, 8, 7, 7, 5] if age >= 50 else [82, 6, 4, 3, 3, 2])[0]
        if age < 6:
            occupation, school = "none", "preschool" if age >= 3 else "none"
        elif age < 16:
            occupation, school = "student", "primary" if age < 12 else "junior"
        elif age < 19 and rng.random() < 0.8:
            occupation, school = "student", rng.choice(["senior", "vocational"])
        elif age >= 60:
            occupation, school = rng.choice(["retired", "none", "farming" if rural else "none"]), "none"
        else:
            occupation = rng.choices(
                ["fixed_employment", "casual_work", "farming" if rural else "casual_work",
                 "unemployed", "none"], weights=[25, 30, 25, 12, 8])[0]
            school = "none"
        income: dict[str, Decimal] = {}
        if occupation == "fixed_employment":
            income["wages"] = _money(rng, 18000, 48000)
        elif occupation in ("casual_work", "farming") and rng.random() < 0.7:
            income["wages"] = _money(rng, 3000, 20000)
        if age >= 60 and rng.random() < 0.75:
            income["pension"] = _money(rng, 1500, 4000 if rural else 24000)
        if rng.random() < 0.15:
            income["transfer"] = _money(rng, 500, 3000)
        member_id = f"M{len(members) + 1}"
        serial = sequence * 10 + len(members)
        id_number = id_number_make(area=village.code[:6], birth=birth, sequence=serial,
                                   female=female)
        while used_ids is not None and id_number in used_ids:
            serial += 7
            id_number = id_number_make(area=village.code[:6], birth=birth, sequence=serial,
                                       female=female)
        if used_ids is not None:
            used_ids.add(id_number)
        member: dict[str, Any] = {
            "member_id": member_id, "name": _name(rng, female),
            "id_number": id_number,
            "relation": relation, "birth_date": birth.isoformat(), "health": health,
            "occupation": occupation, "in_school": occupation == "student",
            "school_level": school, "income": income,
        }
        if health in ("severe_disability", "serious_illness") or age >= 80:
            member["care_level"] = rng.choice(["partial", "full"])
        if age < 18 and rng.random() < 0.03:
            member["orphan_or_unsupported"] = True
        if 16 <= age < 60 and rng.random() < 0.02:
            member["refused_job_offers"] = 3
        members.append(member)

    head_female = rng.random() < 0.4
    if kind == "elderly_alone":
        add("head", 62, 92, head_female)
    elif kind == "elderly_couple":
        add("head", 60, 85, False)
        add("spouse", 58, 85, True)
    elif kind == "single_parent":
        add("head", 26, 48, head_female)
        for _ in range(rng.randint(1, 2)):
            add("child", 1, 17, rng.random() < 0.5)
    elif kind == "disabled":
        add("head", 30, 65, head_female, health=rng.choice(
            ["moderate_disability", "severe_disability", "serious_illness"]))
        if rng.random() < 0.7:
            add("spouse", 28, 65, not head_female)
        if rng.random() < 0.5:
            add("parent", 60, 88, rng.random() < 0.5)
    elif kind == "young":
        add("head", 18, 35, head_female)
        if rng.random() < 0.5:
            add("spouse", 18, 35, not head_female)
    else:
        add("head", 30, 58, False)
        add("spouse", 28, 56, True)
        for _ in range(rng.randint(0, 3)):
            add("child", 0, 22, rng.random() < 0.5)
        if rng.random() < 0.35:
            add("parent", 60, 90, rng.random() < 0.5)

    supporters = []
    elderly = [m["member_id"] for m in members
               if _age(date.fromisoformat(m["birth_date"])) >= 60]
    if elderly and rng.random() < 0.6:
        for _ in range(rng.randint(1, 3)):
            supporters.append({
                "name": _name(rng, rng.random() < 0.5), "relation": "child",
                "annual_income": _money(rng, 12000, 90000),
                "supports": elderly,
                "exempt": rng.choices([None, "on_dibao", "serious_illness_or_severe_disability",
                                       "in_prison", "student"], weights=[80, 8, 6, 2, 4])[0],
                "large_assets": rng.random() < 0.08,
            })
    n = len(members)
    vehicles = []
    if rng.random() < 0.15:
        vehicles.append({"kind": rng.choice(["car", "motorcycle", "farm" if rural else "car"]),
                         "value": _money(rng, 2000, 60000)})
    homes = rng.choices([0, 1, 2], weights=[12, 80, 8])[0]
    address = (f"{village.name}{rng.randint(1, 9)}组{rng.randint(1, 80)}号" if rural
               else f"{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 6)}单元")
    return {
        "household_id": household_id,
        "region_code": village.code,
        "area_type": village.area_type,
        "assessment_date": ASSESSMENT_DATE.isoformat(),
        "address": address,
        "phone": f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
        "members": members,
        "supporters": supporters,
        "expenditures": {
            "medical": _money(rng, 0, 30000) if rng.random() < 0.5 else Decimal(0),
            "education": _money(rng, 0, 12000) if any(m["in_school"] for m in members) else Decimal(0),
            "insurance_premiums": _money(rng, 300, 1500 * n, 10),
            "other_rigid": Decimal(0),
        },
        "assets": {
            "vehicles": vehicles,
            "homes_owned": homes,
            "housing_area_m2": Decimal(rng.randint(25, 70) * homes + (rng.randint(0, 40) if homes else 0)),
            "dilapidated_housing": rural and rng.random() < 0.06,
            "financial_assets": _money(rng, 0, 40000 if rng.random() < 0.9 else 200000),
            "business_registration": rng.random() < 0.02,
            "large_machinery_value": _money(rng, 0, 30000) if rural and rng.random() < 0.1 else Decimal(0),
            "livestock_sheep_units": Decimal(rng.randint(0, 40)) if rural and rng.random() < 0.3 else Decimal(0),
            "contracted_land_mu": Decimal(rng.randint(1, 12)) if rural else Decimal(0),
            "commercial_insurance_premium_annual": Decimal(0),
            "debts": _money(rng, 0, 80000) if rng.random() < 0.2 else Decimal(0),
        },
        "flags": {
            "single_parent": kind == "single_parent",
            "recent_hardship_event": rng.random() < 0.05,
        },
    }


def load_households(regions: dict[str, Region], *, per_village: int,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Register the demo households that are not there yet; returns how many were added."""
    from .services import household_register

    villages = [r for r in regions.values() if r.level == "village"]
    existing = set(Household.objects.filter(region__in=villages)
                   .values_list("household_id", flat=True))
    used_ids: set[str] = set()
    added = 0
    total = len(villages) * per_village
    done = 0
    for village in villages:
        rng = random.Random(int(village.code))
        with transaction.atomic():
            for n in range(1, per_village + 1):
                household_id = f"H{village.code}{n:03d}"
                data = household_demo_dict(rng, household_id=household_id, village=village,
                                           sequence=int(village.code[-5:]) * 1000 + n,
                                           used_ids=used_ids)
                done += 1
                if household_id in existing:
                    continue
                household_register(actor=SYSTEM, data=data, reason="演示数据")
                added += 1
        if progress:
            progress(done, total)
    return added
