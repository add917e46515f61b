from datetime import date, timedelta

import chinese_calendar
import pytest

from jiuzhu.testing import UserFactory


def official_add_working_days(start: date, n: int) -> date:
    """The same sum, counted straight from chinese_calendar (years it knows only)."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


@pytest.fixture
def administrator(tree):
    return UserFactory(username="caladmin", role="administrator", region=tree["county"])
