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


def village_grids(regions: dict[str, Region], village: Region) -> list[Region]:
    """The grids of a demo village, in code order."""
    return sorted((r for r in regions.values()
                   if r.level == "grid" and r.code.startswith(village.code)
                   and len(r.code) == len(village.code) + 3), key=lambda r: r.code)


def load_households(regions: dict[str, Region], *, per_village: int,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Register the demo households that are not there yet, each in a grid of its village
    (round-robin: the n-th household of a village in its (n mod grids)-th grid, so the
    first household of 东门社区 is in ``grid1``'s grid); returns how many were added."""
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
        grids = village_grids(regions, village)
        with transaction.atomic():
            for n in range(1, per_village + 1):
                household_id = f"H{village.code}{n:03d}"
                data = household_demo_dict(rng, household_id=household_id, village=village,
                                           sequence=int(village.code[-5:]) * 1000 + n,
                                           used_ids=used_ids)
                done += 1
                if household_id in existing:
                    continue
                grid = grids[(n - 1) % len(grids)] if grids else None
                household_register(actor=SYSTEM, data=data, reason="演示数据",
                                   grid_code=grid.code if grid else None)
                added += 1
        if progress:
            progress(done, total)
    return added


def place_in_grids(regions: dict[str, Region]) -> int:
    """Place every household of a demo village that has no grid yet (registered before
    households had grids, imported, converted from a lead, taken from an online request)
    in a grid of its village, round-robin by household number; returns how many."""
    from .services import household_set_grid

    placed = 0
    villages = [r for r in regions.values() if r.level == "village"]
    for village in villages:
        grids = village_grids(regions, village)
        if not grids:
            continue
        numbers = list(Household.objects.filter(region=village).order_by("household_id")
                       .values_list("pk", "household_id", "grid_id"))
        with transaction.atomic():
            for index, (pk, _number, grid_id) in enumerate(numbers):
                if grid_id is not None:
                    continue
                household = Household.objects.select_related("region").get(pk=pk)
                household_set_grid(actor=SYSTEM, household=household,
                                   grid_code=grids[index % len(grids)].code)
                placed += 1
    return placed


# --- the families of the demo cases ----------------------------------------------------------
#
# The applications, verifications, payments and supervision demos need families whose
# situation the story needs (poor enough for dibao, an old person alone for special
# hardship), whatever ``per_village`` is: a few fixed families, numbered H<village>9NN so
# they never meet the generated ones (H<village>001…).

# key: (village, number, address, members: (name, relation, birth, female, health,
#       occupation, wages a year, pension a year), extra)
CASE_FAMILIES: dict[str, tuple[str, int, str, list[tuple], dict[str, Any]]] = {
    "submitted_red": ("990102001001", 901, "人民路 21 号 2 单元", [
        ("赵德明", "head", date(1967, 4, 12), False, "serious_illness", "unemployed", 1200, 0),
        ("孙秀芬", "spouse", date(1969, 9, 3), True, "severe_disability", "none", 0, 0)], {}),
    "submitted": ("990102001002", 902, "解放路 45 号 1 单元", [
        ("钱小燕", "head", date(1987, 6, 20), True, "healthy", "casual_work", 9000, 0),
        ("李子航", "child", date(2015, 2, 11), False, "healthy", "student", 0, 0)], {}),
    "supplement": ("990102001003", 903, "建设路 12 号 3 单元", [
        ("周国庆", "head", date(1949, 10, 1), False, "chronic_illness", "none", 0, 1800)], {}),
    "investigation": ("990102001001", 904, "中山路 88 号 1 单元", [
        ("吴建华", "head", date(1979, 3, 15), False, "moderate_disability", "casual_work", 6000, 0),
        ("郑丽娟", "spouse", date(1981, 7, 22), True, "chronic_illness", "none", 0, 0),
        ("吴思远", "child", date(2011, 9, 1), False, "healthy", "student", 0, 0)], {}),
    "appraisal": ("990102001004", 905, "河滨路 7 号 2 单元", [
        ("冯桂兰", "head", date(1952, 1, 18), True, "serious_illness", "none", 0, 1500)], {}),
    "opinion": ("990102001005", 906, "文化路 33 号 1 单元", [
        ("陈志强", "head", date(1970, 11, 5), False, "serious_illness", "unemployed", 1500, 0),
        ("林小梅", "spouse", date(1972, 4, 30), True, "severe_disability", "none", 0, 0)], {}),
    "notice": ("990102001001", 907, "新华街 16 号 4 单元", [
        ("黄淑珍", "head", date(1985, 8, 8), True, "healthy", "casual_work", 8400, 0),
        ("黄子涵", "child", date(2016, 3, 9), True, "healthy", "student", 0, 0)], {}),
    "decision": ("990102001006", 908, "东大街 52 号 2 单元", [
        ("杨树林", "head", date(1947, 12, 24), False, "severe_disability", "none", 0, 1200)], {}),
    "approved": ("990102001002", 909, "人民路 130 号 1 单元", [
        ("朱大海", "head", date(1966, 2, 2), False, "serious_illness", "unemployed", 1000, 0),
        ("何翠英", "spouse", date(1968, 6, 6), True, "moderate_disability", "none", 0, 0)], {}),
    "paid_overdue": ("990102001001", 910, "解放路 9 号 3 单元", [
        ("马丽", "head", date(1989, 5, 17), True, "healthy", "casual_work", 9600, 0),
        ("马子轩", "child", date(2017, 10, 10), False, "healthy", "student", 0, 0)], {}),
    "paid": ("990102001007", 911, "建设路 66 号 1 单元", [
        ("罗永福", "head", date(1978, 1, 9), False, "moderate_disability", "casual_work", 6000, 0),
        ("宋玉兰", "spouse", date(1980, 3, 3), True, "chronic_illness", "none", 0, 0),
        ("罗佳琪", "child", date(2012, 4, 4), True, "healthy", "student", 0, 0),
        ("罗老汉", "parent", date(1946, 5, 5), False, "serious_illness", "none", 0, 0)], {}),
    "suspended": ("990102001008", 912, "中山路 5 号 2 单元", [
        ("唐金凤", "head", date(1958, 9, 9), True, "serious_illness", "none", 0, 1600)], {}),
    "refused": ("990102001003", 913, "河滨路 101 号 1 单元", [
        ("韩卫东", "head", date(1975, 7, 7), False, "healthy", "fixed_employment", 42000, 0),
        ("曹艳", "spouse", date(1977, 8, 8), True, "healthy", "casual_work", 18000, 0)],
        {"financial_assets": 90000}),
    "withdrawn": ("990102001004", 914, "文化路 2 号 1 单元", [
        ("许文斌", "head", date(1983, 12, 12), False, "chronic_illness", "casual_work", 7000, 0)], {}),
    "tekun": ("990102001005", 915, "新华街 3 号 1 单元", [
        ("邓老太", "head", date(1942, 2, 14), True, "severe_disability", "none", 0, 0)],
        {"care_level": "full"}),
    "temporary": ("990102001006", 916, "东大街 19 号 3 单元", [
        ("彭小军", "head", date(1968, 10, 20), False, "serious_illness", "unemployed", 1200, 0),
        ("彭秀兰", "spouse", date(1970, 1, 21), True, "severe_disability", "none", 0, 0)], {}),
    "donghe_accepted": ("990102002002", 917, "河口村 3 组 12 号", [
        ("王有田", "head", date(1955, 5, 1), False, "serious_illness", "farming", 2000, 600)], {}),
    "donghe_paid": ("990102002003", 918, "柳树村 5 组 7 号", [
        ("李满仓", "head", date(1960, 6, 1), False, "severe_disability", "none", 0, 900),
        ("张桂花", "spouse", date(1962, 7, 1), True, "chronic_illness", "farming", 1500, 0)], {}),
    "xishan_submitted": ("990102003001", 919, "西山村 2 组 30 号", [
        ("石头", "head", date(1972, 3, 1), False, "moderate_disability", "farming", 3000, 0),
        ("石秀英", "spouse", date(1974, 4, 1), True, "serious_illness", "none", 0, 0)], {}),
    "xishan_temporary": ("990102003002", 920, "石门村 1 组 8 号", [
        ("龙大山", "head", date(1964, 9, 1), False, "serious_illness", "farming", 2400, 0)], {}),
    # 四眼原则: approved by approver1 above the county's threshold, waiting for approver2
    "second_approval": ("990102001007", 921, "建设路 80 号 2 单元", [
        ("蒋德福", "head", date(1971, 5, 6), False, "serious_illness", "unemployed", 1200, 0),
        ("蒋淑华", "spouse", date(1973, 8, 9), True, "severe_disability", "none", 0, 0),
        ("蒋小雨", "child", date(2013, 11, 2), True, "healthy", "student", 0, 0)], {}),
}


def case_family_dict(key: str, regions: dict[str, Region], taken: set[str]) -> dict[str, Any]:
    """The household dict of the demo case family ``key`` (ID numbers not yet ``taken``)."""
    village_code, number, address, people, extra = CASE_FAMILIES[key]
    village = regions[village_code]
    members = []
    for index, (name, relation, birth, female, health, occupation, wages, pension) in \
            enumerate(people, start=1):
        sequence = number * 10 + index
        id_number = id_number_make(area=village.code[:6], birth=birth, sequence=sequence,
                                   female=female)
        while id_number in taken:
            sequence += 53
            id_number = id_number_make(area=village.code[:6], birth=birth, sequence=sequence,
                                       female=female)
        taken.add(id_number)
        income = {k: Decimal(v) for k, v in (("wages", wages), ("pension", pension)) if v}
        member: dict[str, Any] = {
            "member_id": f"M{index}", "name": name, "id_number": id_number,
            "relation": relation, "birth_date": birth.isoformat(), "health": health,
            "occupation": occupation, "in_school": occupation == "student",
            "school_level": ("primary" if _age(birth) < 12 else "junior")
            if occupation == "student" else "none",
            "income": income}
        if relation == "head" and extra.get("care_level"):
            member["care_level"] = extra["care_level"]
        members.append(member)
    rural = village.area_type == "rural"
    return {
        "household_id": f"H{village.code}{number}",
        "region_code": village.code, "area_type": village.area_type,
        "assessment_date": ASSESSMENT_DATE.isoformat(),
        "address": address if rural else f"{village.name}{address}",
        "phone": f"1380099{number:04d}",
        "members": members, "supporters": [],
        "expenditures": {"medical": Decimal(6000), "education": Decimal(0),
                         "insurance_premiums": Decimal(360), "other_rigid": Decimal(0)},
        "assets": {"vehicles": [], "homes_owned": 1, "housing_area_m2": Decimal(45),
                   "dilapidated_housing": False,
                   "financial_assets": Decimal(extra.get("financial_assets", 2000)),
                   "business_registration": False, "large_machinery_value": Decimal(0),
                   "livestock_sheep_units": Decimal(0),
                   "contracted_land_mu": Decimal(3) if rural else Decimal(0),
                   "commercial_insurance_premium_annual": Decimal(0), "debts": Decimal(0)},
        "flags": {"single_parent": len(people) == 2 and people[1][1] == "child",
                  "recent_hardship_event": key.endswith("temporary")},
    }


def load_case_households(regions: dict[str, Region]) -> dict[str, Household]:
    """Register the families of the demo cases that are not there yet (each in the first
    grid of its village); returns every one of them by key."""
    from .models import Member
    from .services import household_register

    found = {h.household_id: h for h in Household.objects.filter(household_id__in=[
        f"H{village}{number}" for village, number, *_rest in CASE_FAMILIES.values()])}
    families: dict[str, Household] = {}
    taken: set[str] | None = None
    for key, (village_code, number, *_rest) in CASE_FAMILIES.items():
        household = found.get(f"H{village_code}{number}")
        if household is None:
            if taken is None:
                taken = set(Member.objects.values_list("id_number", flat=True))
            grids = village_grids(regions, regions[village_code])
            household = household_register(
                actor=SYSTEM, data=case_family_dict(key, regions, taken), reason="演示数据",
                grid_code=grids[0].code if grids else None)
        families[key] = household
    return families
