"""Where the dashboard's shared definitions come from (docs/design/monitoring.md):

- who receives what: ``jiuzhu.applications.receiving`` (``receiving_now``, ``paid_in``,
  ``recipients_in``), each row annotated ``programme`` (used as it is);
- the monitoring circle: ``jiuzhu.assessments.selectors.with_monitoring_circle``;
- processing-time facts: ``calendars.StepFact``.

The circle and the facts are looked up when used; until that part has landed, a stand-in
answers (the engine's counted circle, vetoed = any veto bit; no facts), so the dashboard
works meanwhile and switches to the shared definition as soon as it exists.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import BooleanField, Case, F, QuerySet, Value, When

from jiuzhu.applications import receiving
from jiuzhu.assessments import selectors as assessment_selectors

#: programme codes of 50-api.md, in the order of the charts, with their Chinese names
PROGRAMMES: tuple[tuple[str, Any], ...] = tuple(
    (code, receiving.PROGRAMME_LABELS[code]) for code in receiving.PROGRAMMES)


def receiving_now() -> QuerySet[Any]:
    """Cases receiving today, annotated ``programme`` (``applications.receiving``)."""
    return receiving.receiving_now()


def recipients_in(month: date) -> QuerySet[Any]:
    """The recipient cases of a month, annotated ``programme``."""
    return receiving.recipients_in(month)


def paid_in(month: date) -> QuerySet[Any]:
    """The payments of a month (confirmed payrolls), annotated ``programme``: the money
    truth."""
    return receiving.paid_in(month)


def with_monitoring_circle(qs: Any) -> Any:
    """Standings annotated ``monitoring_circle`` (1–4, 0 outside) and ``vetoed``."""
    hook = getattr(assessment_selectors, "with_monitoring_circle", None)
    if hook is not None:
        return hook(qs)
    return assessment_selectors.with_counted_circle(qs).annotate(
        monitoring_circle=F("counted_circle"),
        vetoed=Case(When(vetoes=0, then=Value(False)), default=Value(True),
                    output_field=BooleanField()))


def step_fact_model() -> Any:
    """``calendars.StepFact`` when it exists, else ``None``."""
    try:
        return apps.get_model("calendars", "StepFact")
    except LookupError:
        return None
