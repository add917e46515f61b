"""Processing-time facts of emergency cases (办理时效, ``calendars.StepFact`` kind
``emergency``): one fact per state a case left — 响应 (against the response clock), 县级审批,
待发放, 补办手续 (against the papers' due date), 常规程序, 转介, 监测.

Live, :func:`record_ended` is called by ``services.step_record`` for the record that moved
the case (inside the action's transaction); for cases that existed before the facts were
kept, :func:`all_facts` builds the same facts from the same step records (办理记录)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from .choices import CaseState
from .models import CaseStep, EmergencyCase

KIND = "emergency"
STEP_LABELS: dict[str, str] = {
    CaseState.OPEN: "响应", CaseState.AWAITING_COUNTY: "县级审批", CaseState.APPROVED: "待发放",
    CaseState.HELPED: "补办手续", CaseState.IN_PROCEDURE: "常规程序", CaseState.REFERRED: "转介",
    CaseState.MONITORING: "监测",
}


def facts_of(case: EmergencyCase, records: list[CaseStep]) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(record id, fact fields)`` of one case from its step records (ordered)."""
    base = {"kind": KIND, "object_id": case.pk, "region_path": case.region_path,
            "township_path": case.township.path if case.township_id else "",
            "item_code": "", "department": ""}
    start = timezone.localdate(case.opened_at) if case.opened_at else None
    for record in records:
        if record.from_state == record.to_state:
            continue
        ended = timezone.localdate(record.at)
        step = record.from_state
        if step in STEP_LABELS and start is not None:
            due, on_time = None, None
            if step == CaseState.OPEN and case.respond_by:
                due, on_time = timezone.localdate(case.respond_by), record.at <= case.respond_by
            elif step == CaseState.HELPED and case.papers_due:
                due = case.papers_due
            yield record.pk, {**base, "step": step, "step_label": STEP_LABELS[step],
                              "started_on": start, "ended_on": ended, "due_on": due,
                              "on_time": on_time, "ended_at": record.at}
        start = ended


def record_ended(case: EmergencyCase, record: CaseStep) -> None:
    """Keep the fact the step record ``record`` ended (none when it did not move the case)."""
    if record.from_state == record.to_state or record.from_state not in STEP_LABELS:
        return
    from jiuzhu.calendars.services import record_step

    records = list(CaseStep.objects.filter(case=case).order_by("at", "id"))
    for record_id, fields in facts_of(case, records):
        if record_id == record.pk:
            record_step(**fields)


def all_facts() -> Iterator[dict[str, Any]]:
    """Every existing case's facts (for ``backfill_step_facts``)."""
    from django.db.models import Prefetch

    qs = (EmergencyCase.objects.select_related("township").order_by("pk")
          .prefetch_related(Prefetch("steps", CaseStep.objects.order_by("at", "id"))))
    for case in qs.iterator(chunk_size=500):
        for _record_id, fields in facts_of(case, list(case.steps.all())):
            yield fields


def count() -> int:
    return EmergencyCase.objects.count()
