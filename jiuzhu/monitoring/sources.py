"""Where the dashboard's shared definitions come from (docs/design/monitoring.md):

- who receives what: ``jiuzhu.applications.receiving`` (``receiving_now``, ``paid_in``,
  ``recipients_in``), each row annotated ``programme`` (used as it is);
- the monitoring circle: ``jiuzhu.assessments.selectors.with_monitoring_circle``;
- processing-time facts: ``calendars.StepFact``.

The facts are looked up when used (``step_fact_model``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from jiuzhu.applications import receiving
from jiuzhu.assessments import selectors as assessment_selectors

#: programme codes of 50-api.md, in the order of the charts, with their Chinese names
PROGRAMMES: tuple[tuple[str, Any], ...] = tuple(
    (code, receiving.PROGRAMME_LABELS[code]) for code in receiving.PROGRAMMES)


def receiving_now(region: Any = None) -> QuerySet[Any]:
    """Cases receiving today, annotated ``programme`` (``applications.receiving``);
    ``region``: of the households living there."""
    return receiving.households_receiving(region)


def recipients_in(month: date) -> QuerySet[Any]:
    """The recipient cases of a month, annotated ``programme``."""
    return receiving.recipients_in(month)


def paid_in(month: date, through: date | None = None) -> QuerySet[Any]:
    """The payments of a month (to ``through``'s month when given; confirmed payrolls),
    annotated ``programme``: the money truth."""
    return receiving.paid_in(month, through=through)


def with_monitoring_circle(qs: Any, region: Any = None) -> Any:
    """Standings annotated ``monitoring_code`` (filter and count on it: ``NOT_VETOED``,
    ``in_monitoring_circle``), ``monitoring_circle`` (1–4, 0 outside) and ``vetoed``;
    ``region``: the standings all lie there."""
    return assessment_selectors.with_monitoring_circle(qs, region)


NOT_VETOED = assessment_selectors.NOT_VETOED
in_monitoring_circle = assessment_selectors.in_monitoring_circle


def step_fact_model() -> Any:
    """``calendars.StepFact`` when it exists, else ``None``."""
    try:
        return apps.get_model("calendars", "StepFact")
    except LookupError:
        return None
