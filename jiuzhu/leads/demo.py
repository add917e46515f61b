"""Demo data of grids and proactive discovery: one grid worker per demo grid (the demo's
``grid1`` for the first grid) and a few leads in different states. Idempotent.

Called by :func:`jiuzhu.demo.loader.load_demo` after ``load_users`` and
``load_households``: ``load_leads_demo(regions)``."""

from __future__ import annotations

import base64
import random
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.demo import DEMO_PASSWORD, demo_user
from jiuzhu.accounts.models import User
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.regions.models import Region

from .models import GridAssignment, Lead

GIVEN = "伟强军磊勇杰涛明超刚平辉鹏华飞芳娜敏静丽艳娟霞秀英玲"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"


def load_grid_workers(regions: dict[str, Region]) -> int:
    """One grid worker per grid (username ``grid`` + the grid code after the county,
    e.g. ``grid001002001``), responsible for it; returns how many were created."""
    rng = random.Random(990102)
    created = 0
    grids = sorted((r for r in regions.values() if r.level == "grid"), key=lambda r: r.code)
    demo_grid1 = User.objects.filter(username="grid1").first()
    hashed = ""
    for grid in grids:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        if demo_grid1 is not None and demo_grid1.region_id == grid.pk:
            worker = demo_grid1
        else:
            worker, new = User.objects.get_or_create(
                username=f"grid{grid.code[6:]}",
                defaults={"role": "grid_worker", "region": grid, "full_name": name,
                          "phone": f"139{int(grid.code[6:]):08d}"})
            if new:
                # One hash for all of them: ~70 PBKDF2 rounds were most of `jiuzhu demo`.
                hashed = hashed or make_password(DEMO_PASSWORD)
                worker.password = hashed
                worker.save(update_fields=["password"])
                created += 1
        GridAssignment.objects.get_or_create(grid=grid, worker=worker,
                                             defaults={"region_path": grid.path})
    return created


def load_demo_leads(regions: dict[str, Region]) -> int:
    """A few leads: a new hotline lead, one being visited, one closed with an outcome, and
    one whose family could not be reached (its second visit open). Returns how many."""
    from . import services

    county = regions["990102"]
    if Lead.objects.within(county).exists():
        return 0
    window1 = User.objects.filter(username="window1").first()
    window2 = User.objects.filter(username="window2").first()
    grid1 = User.objects.filter(username="grid1").first()
    if window1 is None or window2 is None or grid1 is None:
        return 0
    today = timezone.localdate()
    grid_a = regions["990102001001001"]
    grid_b = next(r for c, r in sorted(regions.items())
                  if r.level == "grid" and c.startswith("990102002"))

    def person(n: int, birth: date) -> str:
        return id_number_make(area="990102", birth=birth, sequence=400 + n)

    with transaction.atomic():
        services.lead_record(actor=window1, data={
            "source": "hotline", "reporter_name": "热心市民", "reporter_phone": "13800990101",
            "person_name": "刘桂兰", "phone": "13700990102", "address": "东门社区人民路 18 号",
            "region_code": grid_a.code, "urgency": "urgent",
            "description": "八十多岁独居老人，子女在外地，最近摔伤无人照料。"})
        station = services.lead_record(actor=window1, data={
            "source": "love_station", "station_name": "城关街道东门社区爱心驿站",
            "reporter_name": "驿站志愿者", "reporter_phone": "13800990103",
            "person_name": "马建国", "id_number": person(1, date(1961, 7, 3)),
            "address": "东门社区解放路 6 号", "region_code": grid_a.code,
            "description": "下岗多年，妻子重病住院，孩子上高中，常来驿站领取食品。"})
        services.lead_convert(actor=window1, lead=station, health="chronic_illness",
                              occupation="unemployed", today=today)
        found = services.lead_record(actor=grid1, data={
            "source": "grid_worker", "person_name": "周小红",
            "id_number": person(2, date(1979, 2, 14), ), "phone": "13700990104",
            "address": "东门社区建设路 3 号", "region_code": grid_a.code,
            "description": "单亲母亲，打零工，租房居住。"})
        task = services.lead_convert(actor=window1, lead=found, health="healthy",
                                     occupation="casual_work", today=today)
        services.visit_record(actor=grid1, task=task, visited_on=today,
                              findings="收入略高于低保标准，已告知临时救助和就业援助政策。",
                              outcome="not_eligible", outcome_note="纳入低收入人口动态监测",
                              today=today)
        far = services.lead_record(actor=window2, data={
            "source": "hotline", "reporter_name": "村民", "person_name": "杨大山",
            "id_number": person(3, date(1950, 11, 20)), "region_code": grid_b.code,
            "description": "听说老人生病卧床，家中无人。"})
        far_task = services.lead_convert(actor=window2, lead=far, health="serious_illness",
                                         occupation="none", today=today)
        services.visit_record(actor=far_task.assignee, task=far_task, visited_on=today,
                              findings="家中无人，邻居说老人被亲戚接走。", outcome="unreachable",
                              today=today)
    return 4


def place_lead_households(regions: dict[str, Region]) -> int:
    """A household registered from a lead of a grid lives in that grid (its grid worker
    then sees it); returns how many were placed."""
    from jiuzhu.households.services import household_set_grid

    placed = 0
    leads = (Lead.objects.within(regions["990102"])
             .filter(household__isnull=False, household__grid__isnull=True,
                     region__level="grid").select_related("household__region", "region"))
    for lead in leads:
        if lead.household is not None and lead.household.region.contains(lead.region):
            household_set_grid(actor=SYSTEM, household=lead.household, grid_code=lead.region.code)
            placed += 1
    return placed


def load_leads_demo(regions: dict[str, Region]) -> dict[str, int]:
    return {"grid_workers_added": load_grid_workers(regions),
            "leads_added": load_demo_leads(regions)}


#: A 1×1 PNG: the photo a grid worker takes on a visit.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def load_visit_photo_demo(regions: dict[str, Region]) -> int:
    """A lead of ``grid1``'s grid visited with a photo (the family guided to apply).
    Once: nothing happens when a visit of the county already has a photo."""
    from . import services
    from .models import VisitPhoto, VisitTask

    county = regions["990102"]
    if VisitPhoto.objects.filter(task__in=VisitTask.objects.within(county)).exists():
        return 0
    window1, grid1 = demo_user("window1"), demo_user("grid1")
    grid = regions["990102001001001"]
    if window1 is None or grid1 is None or grid1.region_id != grid.pk:
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        lead = services.lead_record(actor=grid1, data={
            "source": "grid_worker", "person_name": "陶春花",
            "id_number": id_number_make(area="990102", birth=date(1956, 4, 9), sequence=470,
                                        female=True),
            "phone": "13700990105", "address": "东门社区文化路 27 号", "region_code": grid.code,
            "description": "独居老人，老伴去年去世，没有养老金，靠邻居接济。"})
        task = services.lead_convert(actor=window1, lead=lead, health="chronic_illness",
                                     occupation="none", today=today)
        services.visit_record(actor=grid1, task=task, visited_on=today,
                              findings="老人独居，房屋老旧，无固定收入，已指导其到街道窗口申请低保。",
                              outcome="applied", outcome_note="已引导申请低保",
                              latitude="34.265800", longitude="108.954100",
                              photos=[("走访照片.png", PHOTO)], today=today)
    return 1


#: Leads reported under stations: (station name, reporter username, lead fields).
DEMO_STATION_LEADS: list[tuple[str, str, dict[str, Any]]] = [
    ("城关街道东门社区爱心驿站", "station1", {
        "person_name": "何秀英", "phone": "13700990201", "address": "东门社区东风巷 4 号",
        "region_code": "990102001001001", "urgency": "urgent",
        "description": "七十多岁老人独自抚养孙子，近来常到驿站领取米面，冬衣不足。"}),
    ("城关街道东门社区爱心驿站", "station1", {
        "person_name": "钱德福", "phone": "13700990202", "address": "东门社区人民路 31 号",
        "region_code": "990102001001", "urgency": "normal",
        "description": "残疾人，妻子去世后一人生活，收入只有零星废品回收。"}),
    ("东河镇东河社区爱心驿站", "window2", {
        "person_name": "吴小军", "reporter_name": "驿站志愿者", "phone": "13700990203",
        "address": "东河社区河滨路 12 号", "region_code": "990102002001", "urgency": "normal",
        "description": "父亲车祸住院，母亲务农，两个孩子上学，驿站志愿者上门发现。"}),
]



def load_station_leads(stdout: Any = None) -> int:
    """Leads reported under the demo love stations (``stations.demo.load`` first): by
    ``station1`` for its own station, by a township window worker for another. Idempotent
    (a station's lead of the same name is not recorded again); returns how many."""
    from jiuzhu.stations.models import LoveStation

    from . import services

    added = 0
    with transaction.atomic():
        for station_name, username, fields in DEMO_STATION_LEADS:
            station = LoveStation.objects.filter(name=station_name).first()
            actor = User.objects.filter(username=username).first()
            if station is None or actor is None or Lead.objects.filter(
                    station=station, person_name=fields["person_name"]).exists():
                continue
            services.lead_record(actor=actor, data={
                "source": "love_station", "station_id": station.pk,
                "reporter_name": fields.get("reporter_name") or str(actor), **fields})
            added += 1
    if stdout is not None:
        stdout.write(f"爱心驿站线索: 新增 {added} 条")
    return added
