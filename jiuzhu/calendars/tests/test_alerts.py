from datetime import date

import pytest

from jiuzhu.calendars.limits import LimitsError, UnknownCounty, step_limits
from jiuzhu.calendars.selectors import (
    Alert,
    add_working_days,
    alert_for,
    calendar_window,
    worse,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)  # an ordinary stretch of March 2026: no holidays for weeks


def _after(n: int) -> date:
    """The day on which n working days have passed since MONDAY."""
    return add_working_days(MONDAY, n).due


@pytest.mark.parametrize(("limit", "elapsed", "level"), [
    # limit 3: 3*2 > 2*3 is false; 3*3 > 6 is true; past the due date is red.
    (3, 0, "none"), (3, 1, "none"), (3, 2, "none"), (3, 3, "yellow"), (3, 4, "red"),
    # limit 8 (investigation, verification): 3*5 = 15 ≤ 16, 3*6 = 18 > 16.
    (8, 5, "none"), (8, 6, "yellow"), (8, 8, "yellow"), (8, 9, "red"),
    # limit 5 (appraisal): 3*3 = 9 ≤ 10, 3*4 = 12 > 10.
    (5, 3, "none"), (5, 4, "yellow"), (5, 5, "yellow"), (5, 6, "red"),
    # limit 7 (decision): 3*4 = 12 ≤ 14, 3*5 = 15 > 14.
    (7, 4, "none"), (7, 5, "yellow"),
    # limit 20 (supplement): 3*13 = 39 ≤ 40, 3*14 = 42 > 40.
    (20, 13, "none"), (20, 14, "yellow"), (20, 20, "yellow"), (20, 21, "red"),
])
def test_step_alert_boundaries(limit, elapsed, level):
    today = _after(elapsed) if elapsed else MONDAY
    alert = alert_for(started=MONDAY, limit=limit, today=today)
    assert alert == Alert(level=level, due=_after(limit), provisional=False, elapsed=elapsed)


def test_red_on_the_rest_day_after_the_due_date():
    # Started Tuesday 3 March, limit 3: due Friday 6 March. On Saturday only 3 working days
    # have passed, but the due date has: overdue.
    alert = alert_for(started=date(2026, 3, 3), limit=3, today=date(2026, 3, 7))
    assert (alert.level, alert.due, alert.elapsed) == ("red", date(2026, 3, 6), 3)


def test_total_yellow_after_24_and_red_after_30_or_the_extension():
    limits = step_limits("990102001001")
    cases = [(24, "none"), (25, "yellow"), (30, "yellow"), (31, "red")]
    for elapsed, level in cases:
        alert = alert_for(started=MONDAY, limit=limits.total_limit(), today=_after(elapsed),
                          yellow_after=limits.total_yellow_after())
        assert (alert.level, alert.elapsed) == (level, elapsed)
    extended = [(39, "none"), (40, "yellow"), (45, "yellow"), (46, "red")]
    for elapsed, level in extended:
        alert = alert_for(started=MONDAY, limit=limits.total_limit(extended=True),
                          today=_after(elapsed),
                          yellow_after=limits.total_yellow_after(extended=True))
        assert (alert.level, alert.elapsed) == (level, elapsed)


def test_notice_counts_calendar_days_and_has_no_yellow(django_assert_num_queries):
    started = date(2026, 2, 13)  # published on the eve of the Spring Festival
    with django_assert_num_queries(0):
        levels = {day: alert_for(started=started, limit=7, today=date(2026, 2, day),
                                 calendar_days=True, yellow=False)
                  for day in (13, 18, 19, 20, 21)}
    assert {day: a.level for day, a in levels.items()} == {
        13: "none", 18: "none", 19: "none", 20: "none", 21: "red"}
    assert levels[21] == Alert(level="red", due=date(2026, 2, 20), provisional=False, elapsed=8)


def test_alert_across_a_holiday_and_into_an_unknown_year():
    # Accepted Thursday 12 Feb 2026, acceptance limit 3: due Tuesday 24 Feb (Spring Festival).
    during = alert_for(started=date(2026, 2, 12), limit=3, today=date(2026, 2, 20))
    assert (during.level, during.due, during.elapsed) == ("none", date(2026, 2, 24), 2)
    # Thursday 24 Dec 2026, limit 8: 25 (1), 28–31 (2–5), Fri 1 Jan 2027 counted as a plain
    # weekday (6, provisional), Mon 4 (7), Tue 5 (8).
    late = alert_for(started=date(2026, 12, 24), limit=8, today=date(2027, 1, 4))
    assert late == Alert(level="yellow", due=date(2027, 1, 5), provisional=True, elapsed=7)


def test_one_query_per_alert(django_assert_num_queries):
    with django_assert_num_queries(1):
        alert_for(started=date(2025, 9, 15), limit=30, today=date(2025, 12, 1),
                  yellow_after=24)
    window = calendar_window(date(2025, 1, 1), date(2026, 12, 31))
    with django_assert_num_queries(0):
        alert_for(started=date(2025, 9, 15), limit=30, today=date(2025, 12, 1), calendar=window)


def test_worse_combines_alerts_and_levels():
    step = Alert(level="yellow", due=date(2026, 3, 5), provisional=False, elapsed=3)
    total = Alert(level="none", due=date(2026, 4, 13), provisional=False, elapsed=3)
    red = Alert(level="red", due=date(2026, 4, 13), provisional=True, elapsed=31)
    assert worse(step, total) is step and worse(total, step) is step
    assert worse(step, red) is red
    earlier = Alert(level="yellow", due=date(2026, 3, 4), provisional=False, elapsed=2)
    assert worse(step, earlier) is earlier
    assert worse("none", "yellow") == "yellow"
    assert worse("red", "yellow") == "red"
    assert worse("none", "none") == "none"


def test_demo_county_limits():
    limits = step_limits("990102")
    assert limits is step_limits("990102001001")  # read once, by county
    assert {step: getattr(limits, step) for step in (
        "acceptance", "supplement", "investigation", "verification", "appraisal", "opinion",
        "notice", "decision", "total", "extension", "total_yellow")} == {
        "acceptance": 3, "supplement": 20, "investigation": 8, "verification": 8,
        "appraisal": 5, "opinion": 3, "notice": 7, "decision": 7, "total": 30,
        "extension": 15, "total_yellow": 24}
    assert limits["notice"].calendar_days
    assert not any(limits[step].calendar_days for step in limits.steps if step != "notice")
    assert "最低生活保障审核确认办法" in limits.reference
    assert limits.total_limit(extended=True) == 45


@pytest.mark.parametrize("code", ["110101001", "990103", "99", "", "abcdef"])
def test_unknown_county_limits_are_an_error(code):
    with pytest.raises(UnknownCounty) as error:
        step_limits(code)
    assert isinstance(error.value, LimitsError)
    assert "县" in error.value.message or "区划代码" in error.value.message
