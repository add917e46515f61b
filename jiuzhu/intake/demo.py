"""Demo requests for the demo county: a family served for three items at once, transferred
items in every state, an overdue one a supervisor has urged, and an online request waiting
for the window — so every page of the one window has something to show."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.models import Household

from . import services
from .models import Request

#: A scanned page (the smallest valid PDF).
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _household(offset: int, township: str) -> Household | None:
    return (Household.objects.filter(region_path__contains=f"/{township}/", status="active")
            .order_by("household_id")[offset:offset + 1].first())


#: The county's material rule of the demo: the signed authorisation must be scanned (the
#: verification needs it); every other material may be seen in the original only.
SCANNED = "家庭经济状况核对授权书"


def load_material_settings(regions: dict[str, Any]) -> None:
    """示范县: 家庭经济状况核对授权书 须上传扫描件 (once; an administrator may change it)."""
    from jiuzhu.applications.materials import material_setting_set
    from jiuzhu.applications.models import MaterialSetting
    from jiuzhu.core.access import SYSTEM

    county = regions.get("990102")
    if county is None or MaterialSetting.objects.filter(region=county).exists():
        return
    admin = User.objects.filter(username="sysadmin1").first()
    material_setting_set(actor=admin or SYSTEM, county=county, material=SCANNED, scan_required=True)


def load_intake_demo(regions: dict[str, Any]) -> int:
    """Create the demo requests once (nothing happens when any request exists)."""
    load_material_settings(regions)
    if Request.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=[
        "window1", "officer1", "officer2", "officer3", "officer4", "supervisor1"])}
    if len(users) < 6:
        return 0
    today = timezone.localdate()
    window = users["window1"]
    created = 0

    def take(offset: int, items: list[str], on, materials=None, files=None):
        nonlocal created
        household = _household(offset, "990102001")
        if household is None:
            return None
        request = services.request_create(actor=window, household=household, items=items,
                                          channel="window", materials=materials or {}, on=on,
                                          files=files, tell_missing=files is not None)
        created += 1
        return {item.item_code: item for item in request.items.all()}

    # One family, three items: dibao decided here (the paper originals seen, the signed
    # authorisation scanned: complete, waiting for acceptance), education and disability
    # transferred.
    items = take(0, ["MZ01", "JY02", "CL01"], today - timedelta(days=6),
                 {"MZ01": ["户口簿", "身份证", "收入证明", "财产申报表"],
                  "JY02": ["学籍证明", "家庭困难证明"], "CL01": ["残疾证", "身份证"]},
                 files=[(SCANNED, f"{SCANNED}.pdf", SCAN)])
    if items:
        services.item_act(actor=users["officer1"], item=items["JY02"], action="accept",
                          on=today - timedelta(days=5))
        services.item_act(actor=users["officer2"], item=items["CL01"], action="accept",
                          on=today - timedelta(days=5))
        services.item_act(actor=users["officer2"], item=items["CL01"], action="finish",
                          data={"result": "granted", "note": "每月发放困难残疾人生活补贴",
                                "amount": "90.00"}, on=today - timedelta(days=2))
    # Medical assistance transferred 40 days ago and never finished: overdue, urged.
    items = take(1, ["WJ01"], today - timedelta(days=40), {"WJ01": ["身份证", "住院费用清单"]})
    if items:
        services.item_act(actor=users["officer3"], item=items["WJ01"], action="accept",
                          on=today - timedelta(days=39))
        services.urge(actor=users["supervisor1"], item=items["WJ01"],
                      message="已超过办理时限，请三个工作日内办结并反馈。")
    # Public rental housing: the officer asked for more.
    items = take(2, ["ZJ01"], today - timedelta(days=3), {"ZJ01": ["身份证"]})
    if items:
        services.item_act(actor=users["officer4"], item=items["ZJ01"], action="accept",
                          on=today - timedelta(days=2))
        services.item_act(actor=users["officer4"], item=items["ZJ01"], action="request_more",
                          data={"missing": ["户口簿", "住房情况说明"], "note": "请一次补齐"},
                          on=today - timedelta(days=2))
    # Today: dibao without the income certificate (told at once on the receipt, with the
    # day to bring it: the case waits for its supplement) and the severe-disability care
    # subsidy, whose 20 working days end in 2027, a year whose holidays are not known yet
    # (暂定).
    take(3, ["MZ01", "CL02"], today,
         {"MZ01": ["户口簿", "身份证", "财产申报表"], "CL02": ["残疾证", "身份证"]},
         files=[(SCANNED, f"{SCANNED}.pdf", SCAN)])
    # A resident's online request waiting for the window.
    village = regions.get("990102001001")
    if village is not None:
        mother, daughter = date(1988, 3, 12), date(2014, 9, 1)
        people = [("张秀兰", "head", mother, True, "casual_work"),
                  ("李思雨", "child", daughter, True, "student")]
        members = [{
            "member_id": f"M{i + 1}", "name": name, "relation": relation,
            "id_number": id_number_make(area=village.code[:6], birth=birth, sequence=880 + i,
                                        female=female),
            "birth_date": birth.isoformat(), "health": "healthy", "occupation": occupation,
        } for i, (name, relation, birth, female, occupation) in enumerate(people)]
        services.request_submit_online(
            household_data={"household_id": f"WS{today:%Y%m%d}DEMO", "region_code": village.code,
                            "area_type": village.area_type or "urban",
                            "assessment_date": today.isoformat(),
                            "address": "东门社区人民路 8 号", "phone": "13800000000",
                            # 900 元/月 declared online, kept per year as the registry
                            # does (×12, exact in fen)
                            "members": [{**members[0], "income": {"wages": 10800}},
                                        *members[1:]],
                            "supporters": []},
            applicant={"name": "张秀兰", "phone": "13800000000",
                       "id_number": members[0]["id_number"], "monthly_income": "900.00",
                       "notes": "独自抚养女儿，打零工收入不稳定"},
            items=["MZ04", "TW01"], on=today,
            files=[("身份证", "身份证.pdf", SCAN), ("困难情况说明", "困难情况说明.pdf", SCAN)])
        created += 1
    services.alerts_recompute(on=today)
    return created
