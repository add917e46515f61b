"""A small hand-built county for the 月报: two townships, households of every kind with
members of every kind, October's payments (confirmed), a draft November list, one-offs,
a low-income recognition, circles 3–4 and a vetoed household, and intake items of several
departments. Every figure the tests expect is computed by hand in ``test_report.py``."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application
from jiuzhu.assessments.models import Standing
from jiuzhu.catalogue.models import Item
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.services import household_register
from jiuzhu.intake.models import CoHandler, Request, RequestItem
from jiuzhu.payments.models import Payment, Payroll
from jiuzhu.testing import UserFactory, household_dict, member_dict

OCTOBER, NOVEMBER, SEPTEMBER = date(2026, 10, 1), date(2026, 11, 1), date(2026, 9, 1)
_numbers = itertools.count(1)


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def person(name: str, birth: date, *, relation: str = "child", female: bool = False,
           health: str = "healthy", area: str = "990102") -> dict[str, Any]:
    n = next(_numbers)
    return member_dict(member_id=f"M{n}", name=name, relation=relation, birth=birth,
                       health=health, id_number=id_number_make(area=area, birth=birth,
                                                               sequence=n, female=female))


def home(village, area_type: str, *members: dict[str, Any]):
    return household_register(actor=SYSTEM, data=household_dict(
        region_code=village.code, area_type=area_type, members=list(members)))


def case(household, item: str, state: str = State.IN_PAYMENT, *, start_month=SEPTEMBER,
         decided=SEPTEMBER, valid_until=None):
    n = next(_numbers)
    return Application.objects.create(
        number=f"YB{n:06d}", query_code=f"Y{n:07d}", household=household, item_code=item,
        channel="window", state=state, region=household.region.parent,
        region_path=household.region_path, step="none", step_started_on=decided,
        start_month=start_month, valid_until=valid_until, decided_at=aware(decided))


def pay(application, payroll, amount: str, month=OCTOBER):
    return Payment.objects.create(application=application, payroll=payroll, month=month,
                                  amount=Decimal(amount), township=payroll.township,
                                  region_path=application.region_path)


def standing(household, circle: int, vetoes: int = 0):
    return Standing.objects.create(
        household=household, region_path=household.region_path, assessment_date=OCTOBER,
        parameters_effective=date(2026, 1, 1), rules_version="t", eligible=False,
        benefit_fen=0, per_capita_fen=100000, circle=circle, index_hundredths=5000,
        vetoes=vetoes, assessed_at=aware(OCTOBER))


def intake_item(village, department: str, *, received: date, due: date, mode: str = "transfer",
                state: str = "transferred", finished: date | None = None):
    n = next(_numbers)
    request = Request.objects.create(
        number=f"SL{n:06d}", query_code=f"Q{n:07d}", channel="window", applicant_name="申请人",
        region=village.parent, region_path=village.path, received_on=received, status="open")
    catalogue_item = Item.objects.filter(department__code=department).order_by("pk").first()
    assert catalogue_item is not None
    return RequestItem.objects.create(
        request=request, item=catalogue_item, item_code=catalogue_item.code,
        item_name=catalogue_item.name, department_code=department, mode=mode,
        region_path=village.path, state=state, limit=10, started_on=received, due_date=due,
        finished_on=finished, result="granted" if state == "finished" else "")


@pytest.fixture
def county(tree):
    v1, v2 = tree["village1"], tree["village2"]
    c: dict[str, Any] = {"tree": tree}
    # H1 城市低保, 第1镇: 3 persons — two elderly, two women, a disabled girl (minor)
    h1 = home(v1, "urban", person("户主甲", date(1950, 3, 1), relation="head"),
              person("妻甲", date(1955, 6, 1), relation="spouse", female=True),
              person("孙女甲", date(2012, 1, 1), relation="grandchild", female=True,
                     health="severe_disability"))
    # H2 城市低保, 第2镇: the head (a woman, moderately disabled) and two sons — one turns
    # 18 on 31 October (not a minor at the month's end), the other on 1 November (a minor)
    h2 = home(v2, "urban", person("户主乙", date(1980, 10, 31), relation="head", female=True,
                                  health="moderate_disability"),
              person("长子乙", date(2008, 10, 31)), person("次子乙", date(2008, 11, 1)))
    # H3 农村低保, 第1镇: the head turns 60 on 31 October (elderly); a baby born in November
    h3 = home(v1, "rural", person("户主丙", date(1966, 10, 31), relation="head"),
              person("婴儿丙", date(2026, 11, 15)))
    # H4 特困, 第1镇
    h4 = home(v1, "rural", person("户主丁", date(1940, 1, 1), relation="head",
                                  health="severe_disability"))
    # H5 临时救助（支出型）, 第2镇, the head's ID number issued in another county (非本地户籍)
    h5 = home(v2, "rural", person("户主戊", date(1985, 5, 5), relation="head", area="110101"),
              person("妻戊", date(1986, 6, 6), relation="spouse", female=True))
    # H6 急难型临时救助, 第1镇
    h6 = home(v1, "rural", person("户主己", date(1990, 1, 1), relation="head"))
    # H7 低保边缘 (MZ02) recognised, 第1镇
    h7 = home(v1, "rural", person("户主庚", date(1970, 1, 1), relation="head"),
              person("妻庚", date(1971, 1, 1), relation="spouse", female=True))
    # H8 information circle 3, receiving nothing, 第2镇 (纳入监测)
    h8 = home(v2, "rural", person("户主辛", date(1975, 1, 1), relation="head"),
              person("妻辛", date(1976, 1, 1), relation="spouse", female=True),
              person("子辛", date(2010, 1, 1)))
    # H9 circle 4 but vetoed; H1 in circle 3 but receiving dibao: neither is monitored
    h9 = home(v2, "rural", person("户主壬", date(1960, 1, 1), relation="head"))
    standing(h8, 3)
    standing(h9, 4, vetoes=1)
    standing(h1, 3)
    c.update(h1=h1, h2=h2, h3=h3, h4=h4, h5=h5, h6=h6, h7=h7, h8=h8, h9=h9)
    c["a1"], c["a2"] = case(h1, "MZ01"), case(h2, "MZ01")
    c["a3"], c["a4"] = case(h3, "MZ01"), case(h4, "MZ03")
    c["a5"] = case(h5, "MZ04", start_month=OCTOBER, decided=OCTOBER)
    c["a6"] = case(h6, "MZ05", start_month=OCTOBER, decided=OCTOBER)
    c["a7"] = case(h7, "MZ02", State.APPROVED, start_month=None, valid_until=date(2027, 8, 31))
    now = timezone.now()
    t1, t2 = tree["town1"], tree["town2"]
    oct1 = Payroll.objects.create(township=t1, region_path=t1.path, month=OCTOBER,
                                  status="confirmed", generated_at=now)
    oct2 = Payroll.objects.create(township=t2, region_path=t2.path, month=OCTOBER,
                                  status="confirmed", generated_at=now)
    nov1 = Payroll.objects.create(township=t1, region_path=t1.path, month=NOVEMBER,
                                  generated_at=now)  # a draft: not counted
    c.update(oct1=oct1, oct2=oct2, nov1=nov1)
    pay(c["a1"], oct1, "1000.00")
    pay(c["a2"], oct2, "1234.57")
    pay(c["a3"], oct1, "720.00")
    pay(c["a4"], oct1, "1170.00")
    pay(c["a5"], oct2, "800.00")
    pay(c["a6"], oct1, "333.33")
    pay(c["a3"], nov1, "720.00", month=NOVEMBER)
    # 一门受理 in October (第1镇 unless said)
    intake_item(v1, "MZ", received=date(2026, 10, 10), due=date(2026, 10, 20), mode="internal",
                state="finished", finished=date(2026, 10, 15))
    intake_item(v1, "JY", received=date(2026, 10, 12), due=date(2026, 10, 20), state="finished",
                finished=date(2026, 10, 25))  # finished late
    cl = intake_item(v1, "CL", received=date(2026, 10, 20), due=date(2026, 10, 28),
                     mode="cohandle", state="accepted")  # open past its due date: 超时
    CoHandler.objects.create(item=cl, department_code="WJ", department_name="卫生健康局")
    intake_item(v1, "ZJ", received=date(2026, 9, 20), due=date(2026, 10, 10), state="finished",
                finished=date(2026, 10, 5))  # received in September, finished on time in October
    intake_item(v2, "RS", received=date(2026, 10, 8), due=date(2026, 10, 22), state="returned",
                finished=date(2026, 10, 9))  # returned: received, not 办结
    intake_item(v2, "JY", received=date(2026, 11, 3), due=date(2026, 11, 13))  # November
    c["supervisor"] = UserFactory(username="sup", role="supervisor", region=tree["county"])
    c["approver"] = UserFactory(username="appr", role="county_approver", region=tree["county"])
    c["reviewer1"] = UserFactory(username="rev1", role="township_reviewer", region=t1)
    c["window"] = UserFactory(username="win1", role="window_worker", region=t1)
    return c
