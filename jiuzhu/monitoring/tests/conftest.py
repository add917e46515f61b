"""A small hand-built county for the dashboard: households in two townships, their
standings (circles, index), receiving cases with payments over three months, leads,
emergency cases and funds — written with the ORM (the services have their own tests)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from jiuzhu.applications.models import Application
from jiuzhu.assessments.models import Standing
from jiuzhu.emergency.models import EmergencyCase
from jiuzhu.funds.models import Fund
from jiuzhu.households.models import Household
from jiuzhu.leads.models import Lead
from jiuzhu.payments.models import Payment, Payroll
from jiuzhu.testing import UserFactory

TODAY = date(2026, 12, 3)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _household(n: int, grid, village, *, members: int, area: str = "rural") -> Household:
    return Household.objects.create(
        household_id=f"D{n:05d}", region=village, grid=grid, region_path=grid.path,
        area_type=area, assessment_date=date(2026, 1, 1), head_name=f"户主{n}",
        member_count=members)


def _standing(household: Household, *, circle: int, index: int, vetoes: int = 0) -> Standing:
    return Standing.objects.create(
        household=household, region_path=household.region_path, assessment_date=TODAY,
        parameters_effective=date(2026, 1, 1), rules_version="t", eligible=circle == 1,
        benefit_fen=0, per_capita_fen=50000, circle=circle, index_hundredths=index,
        vetoes=vetoes, assessed_at=timezone.now())


_numbers = iter(range(1, 10_000))


def _application(household: Household, town, item: str, state: str, *,
                 decided: bool = True, start: date | None = None) -> Application:
    n = next(_numbers)
    return Application.objects.create(
        number=f"SQ{n:06d}", query_code=f"Q{n:07d}", household=household, item_code=item,
        channel="window", state=state, region=town, region_path=town.path, step="none",
        step_started_on=date(2026, 1, 5),
        decided_at=timezone.make_aware(datetime(2026, 2, 1, 10)) if decided else None,
        start_month=start or (date(2026, 2, 1) if decided else None))


@pytest.fixture
def county_data(tree, today):
    """Township 1: 6 households, township 2: 4 (one vetoed, one outside every circle)."""
    h = {}
    layout = [  # (n, town, circle, index, members, area, vetoes)
        (1, 1, 1, 9000, 3, "urban", 0), (2, 1, 1, 8500, 2, "rural", 0),
        (3, 1, 2, 7000, 4, "rural", 0), (4, 1, 3, 6500, 1, "rural", 0),
        (5, 1, 4, 3000, 2, "rural", 0), (6, 1, 3, 9500, 5, "rural", 0),
        (7, 2, 1, 8000, 2, "rural", 0), (8, 2, 4, 4500, 3, "rural", 0),
        (9, 2, 3, 9900, 2, "rural", 1), (10, 2, 0, 500, 1, "rural", 0),
    ]
    for n, town, circle, index, members, area, vetoes in layout:
        household = _household(n, tree[f"grid{town}"], tree[f"village{town}"], members=members,
                               area=area)
        _standing(household, circle=circle, index=index, vetoes=vetoes)
        h[n] = household
    t1, t2 = tree["town1"], tree["town2"]
    cases = {
        1: _application(h[1], t1, "MZ01", "in_payment"),   # urban dibao
        2: _application(h[2], t1, "MZ01", "in_payment"),   # rural dibao
        3: _application(h[3], t1, "MZ02", "approved"),     # low income
        7: _application(h[7], t2, "MZ03", "in_payment"),   # tekun
        8: _application(h[8], t2, "MZ04", "approved", start=date(2026, 12, 1)),  # temporary
    }
    _application(h[5], t1, "MZ01", "stopped")             # receives nothing now
    _application(h[4], t1, "MZ01", "submitted", decided=False)
    payrolls = {(town.pk, month): Payroll.objects.create(
        township=town, region_path=town.path, month=month, status="confirmed",
        generated_at=timezone.now()) for town in (t1, t2)
        for month in (date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1))}
    for n, case in cases.items():
        town = t1 if n < 7 else t2
        months = [date(2026, 12, 1)] if case.item_code == "MZ04" else \
            [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
        for month in months:
            Payment.objects.create(application=case, month=month, amount=100 * n + 300,
                                   township=town, region_path=case.region_path,
                                   payroll=payrolls[(town.pk, month)])
    # leads: two from the hotline (one converted into household 2's record), one from a grid
    for n, (source, household, status, town) in enumerate([
            ("hotline", h[2], "closed", 1), ("hotline", None, "new", 1),
            ("grid_worker", None, "new", 2)]):
        Lead.objects.create(source=source, person_name=f"线索{n}", region=tree[f"village{town}"],
                            region_path=tree[f"village{town}"].path, description="困难",
                            household=household, status=status)
    now = timezone.now()
    for n, (level, town, household, late) in enumerate([
            ("red", 1, h[4], False), ("yellow", 1, h[6], True), ("blue", 2, h[8], None)]):
        EmergencyCase.objects.create(
            number=f"JN{n:04d}", household=household, region=tree[f"village{town}"],
            region_path=tree[f"village{town}"].path, township=tree[f"town{town}"],
            source="window", cause="illness", occurred_on=TODAY, narrative="生病",
            level=level, parameters_effective=date(2026, 1, 1), opened_at=now, level_at=now,
            respond_by=now + timedelta(hours=24),
            responded_at=None if late is None else now + timedelta(hours=30 if late else 2),
            state="open" if late is None else "helped")
    Fund.objects.create(name="示范县救急难基金", region=tree["county"],
                        region_path=tree["county"].path, balance_fen=5_000_000,
                        committed_fen=100_000)
    Fund.objects.create(name="第1镇备用金", region=t1, region_path=t1.path, kind="reserve",
                        balance_fen=300_000, committed_fen=0)
    return h


@pytest.fixture
def supervisor(tree):
    return UserFactory(username="sup", role="supervisor", region=tree["county"], full_name="赵督办")


@pytest.fixture
def town_reviewer(tree):
    return UserFactory(username="rev", role="township_reviewer", region=tree["town1"],
                       full_name="钱审核")
