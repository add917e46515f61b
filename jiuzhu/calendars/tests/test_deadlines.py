from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.calendars.selectors import (
    Deadline,
    add_calendar_days,
    add_working_days,
    calendar_window,
    is_workday,
    working_days_between,
)
from jiuzhu.calendars.services import calendar_day_set

from .conftest import official_add_working_days

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("start", "n", "due"), [
    # Thursday 12 Feb 2026: Fri 13 (1), Sat 14 worked (2), 15–23 Spring Festival, Tue 24 (3).
    (date(2026, 2, 12), 3, date(2026, 2, 24)),
    # … then 25, 26, 27 (4–6), Sat 28 worked (7), Sun 1 March off, Mon 2 March (8).
    (date(2026, 2, 12), 8, date(2026, 3, 2)),
    # Friday 13 Feb 2026 (the last day before the break): Sat 14 (1), Tue 24 (2).
    (date(2026, 2, 13), 2, date(2026, 2, 24)),
    # Friday 26 Sep 2025: Sat 27 off, Sun 28 worked (1), Mon 29 (2), Tue 30 (3).
    (date(2025, 9, 26), 3, date(2025, 9, 30)),
    # Tuesday 30 Sep 2025: 1–8 October National Day, Thu 9 October (1).
    (date(2025, 9, 30), 1, date(2025, 10, 9)),
    # Friday 26 Sep 2025: 28, 29, 30 (1–3), Thu 9, Fri 10 (4, 5), Sat 11 worked (6), Sun 12
    # off, Mon 13 (7), Tue 14 (8).
    (date(2025, 9, 26), 8, date(2025, 10, 14)),
    # Accepted Monday 15 Sep 2025, the 30-day total: 16–19 (4), 22–26 (9), Sun 28 (10),
    # 29–30 (12), 9–10 Oct (14), Sat 11 (15), 13–17 (20), 20–24 (25), 27–31 (30).
    (date(2025, 9, 15), 30, date(2025, 10, 31)),
])
def test_add_working_days_across_official_holidays(start, n, due):
    assert official_add_working_days(start, n) == due
    assert add_working_days(start, n) == Deadline(due=due, provisional=False)
    assert working_days_between(start, due) == n


def test_start_is_not_counted_and_zero_days_is_the_start():
    assert add_working_days(date(2026, 3, 2), 1).due == date(2026, 3, 3)  # Mon -> Tue
    assert add_working_days(date(2026, 3, 6), 1).due == date(2026, 3, 9)  # Fri -> Mon
    assert add_working_days(date(2026, 3, 7), 1).due == date(2026, 3, 9)  # Sat -> Mon
    assert add_working_days(date(2026, 3, 2), 0) == Deadline(date(2026, 3, 2), False)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1)


def test_a_year_the_calendar_does_not_know_falls_back_to_weekends_provisionally():
    # 2026-12-31 is a Thursday; chinese_calendar has no 2027 arrangement, so 1 January 2027
    # (in fact New Year's Day) counts as a plain Friday.
    assert add_working_days(date(2026, 12, 28), 3) == Deadline(date(2026, 12, 31), False)
    assert add_working_days(date(2026, 12, 30), 3) == Deadline(date(2027, 1, 4), True)
    assert add_working_days(date(2027, 3, 1), 5) == Deadline(date(2027, 3, 8), True)
    assert is_workday(date(2027, 1, 1)) and not is_workday(date(2027, 1, 2))
    assert working_days_between(date(2026, 12, 30), date(2027, 1, 4)) == 3


def test_an_administrators_first_edit_makes_the_year_known(administrator):
    calendar_day_set(actor=administrator, day=date(2027, 1, 1), kind="holiday", name="元旦",
                     reason="国务院办公厅关于2027年部分节假日安排的通知")
    assert add_working_days(date(2026, 12, 30), 3) == Deadline(date(2027, 1, 5), False)
    assert add_working_days(date(2027, 3, 1), 5) == Deadline(date(2027, 3, 8), False)


def test_manual_edits_count_at_once(administrator):
    calendar_day_set(actor=administrator, day=date(2026, 3, 3), kind="holiday",
                     name="台风停工", reason="县政府通知")
    assert add_working_days(date(2026, 3, 2), 1).due == date(2026, 3, 4)
    assert not is_workday(date(2026, 3, 3))


def test_calendar_days():
    assert add_calendar_days(date(2026, 2, 13), 7) == date(2026, 2, 20)
    assert add_calendar_days(date(2025, 12, 28), 7) == date(2026, 1, 4)


def test_working_days_between():
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 2)) == 0
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 8)) == 4  # Tue–Fri
    assert working_days_between(date(2026, 2, 12), date(2026, 2, 28)) == 7
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0


def test_one_query_per_computation(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert add_working_days(date(2026, 2, 12), 30).due == official_add_working_days(
            date(2026, 2, 12), 30)
    with django_assert_num_queries(1):
        add_working_days(date(2026, 11, 20), 45)  # into the unknown 2027
    with django_assert_num_queries(1):
        assert working_days_between(date(2025, 1, 1), date(2025, 12, 31)) == 248
    assert len(chinese_calendar.get_workdays(date(2025, 1, 2), date(2025, 12, 31))) == 248
    with django_assert_num_queries(1):
        is_workday(date(2026, 2, 14))
    with django_assert_num_queries(0):
        add_calendar_days(date(2026, 2, 14), 7)


def test_a_loaded_window_serves_a_batch_without_queries(django_assert_num_queries):
    with django_assert_num_queries(1):
        window = calendar_window(date(2025, 1, 1), date(2026, 12, 31))
    with django_assert_num_queries(0):
        for start in (date(2025, 9, 26), date(2026, 2, 12), date(2025, 3, 3)):
            due = add_working_days(start, 8, calendar=window).due
            assert due == official_add_working_days(start, 8)
            assert working_days_between(start, due, calendar=window) == 8
            assert is_workday(due, calendar=window)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 6, 30)),
       n=st.integers(min_value=0, max_value=60))
def test_working_days_between_undoes_add_working_days(start, n):
    deadline = add_working_days(start, n)
    assert working_days_between(start, deadline.due) == n
    if n:
        assert is_workday(deadline.due)
        # The due date is the first day on which n working days have passed.
        assert working_days_between(start, deadline.due - timedelta(days=1)) == n - 1
    assert deadline.provisional == (n > 0 and deadline.due.year >= 2027)
    if deadline.due.year <= 2026:
        assert deadline.due == official_add_working_days(start, n)
