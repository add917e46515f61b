"""Processing-time facts of applications (办理时效, ``calendars.StepFact`` kind
``application``): one fact per step run that ended — 受理, 补正, 调查核对, 民主评议, 乡镇审核,
公示, 审批 — and one ``total`` (办理全程, from acceptance to the decision, against the
total's due date) when the case leaves its last running step.

Live, :func:`step_ended` is called by ``deadlines.start_step`` before it starts the next
step (inside the action's transaction); for cases that existed before the facts were kept,
:func:`all_facts` rebuilds the same facts from the step records (办理记录)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.utils import timezone, translation

from .choices import Step
from .models import Application

KIND = "application"
TOTAL = "total"
TOTAL_LABEL = "办理全程"


def _label(step: str) -> str:
    if step == TOTAL:
        return TOTAL_LABEL
    with translation.override("zh-hans"):
        return str(Step(step).label)


def _fields(app: Application, step: str, started_on: date, ended_on: date,
            due_on: date | None, ended_at: datetime | None) -> dict[str, Any]:
    return {"kind": KIND, "object_id": app.pk, "region_path": app.region_path,
            "township_path": app.region.path, "item_code": app.item_code, "department": "",
            "step": step, "step_label": _label(step), "started_on": started_on,
            "ended_on": ended_on, "due_on": due_on, "ended_at": ended_at or timezone.now()}


def step_ended(app: Application, next_step: str, on: date) -> None:
    """The running step of ``app`` ends on ``on`` (``next_step`` starts): keep its fact,
    and the total's when no step runs any more. Called before the step's fields change."""
    from jiuzhu.calendars.services import record_step

    if app.pk is None or not app.step or app.step == Step.NONE:
        return
    record_step(**_fields(app, app.step, app.step_started_on, on, app.due_date, None))
    if next_step == Step.NONE and app.accepted_on is not None:
        record_step(**_fields(app, TOTAL, app.accepted_on, on, app.final_due_date, None))


def _due(app: Application, step: str, started_on: date) -> date | None:
    """The due date ``start_step`` gave the step when it started on ``started_on``."""
    from .deadlines import set_step

    clone = copy.copy(app)
    set_step(clone, step, started_on)
    return clone.due_date


def facts_of(app: Application, records: list[Any]) -> Iterator[dict[str, Any]]:
    """The facts of one case from its step records (ordered): a record that moves the case
    out of a state whose time limit runs ends that step; the step started on the day the
    case entered that state (the submission for the first)."""
    from .workflow import STEP_OF_STATE

    start = timezone.localdate(app.submitted_at)
    for record in records:
        if record.from_state == record.to_state:
            continue
        ended = timezone.localdate(record.at)
        old = STEP_OF_STATE.get(record.from_state)
        new = STEP_OF_STATE.get(record.to_state)
        if old is not None:
            yield _fields(app, old, start, ended, _due(app, old, start), record.at)
            if new is None and app.accepted_on is not None:
                yield _fields(app, TOTAL, app.accepted_on, ended, app.final_due_date, record.at)
        start = ended


def all_facts() -> Iterator[dict[str, Any]]:
    """Every existing application's facts (for ``backfill_step_facts``)."""
    from django.db.models import Prefetch

    from .models import ApplicationStep

    qs = (Application.objects.select_related("region").order_by("pk")
          .prefetch_related(Prefetch("steps", ApplicationStep.objects.order_by("at", "id"))))
    for app in qs.iterator(chunk_size=500):
        yield from facts_of(app, list(app.steps.all()))


def count() -> int:
    return Application.objects.count()
