"""Processing-time facts of department items (办理时效, ``calendars.StepFact`` kind
``intake_item``): one fact per stage an item left — 平台办理, 待部门受理, 部门办理, 补充材料,
补充后待受理 — with the lead department, and one ``total`` (办理全程, from the dispatch to
办结/退回, against the item's time limit, which runs again from the day the materials are
complete) when the item ends.

Live, :func:`record_ended` is called by ``services.step_record`` for the record that moved
the item (inside the action's transaction); for items that existed before the facts were
kept, :func:`all_facts` builds the same facts from the same step records (办理记录)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from jiuzhu.calendars.selectors import add_working_days

from .choices import ItemState
from .models import ItemStep, RequestItem

KIND = "intake_item"
TOTAL = "total"
STEP_LABELS: dict[str, str] = {
    ItemState.INTERNAL: "平台办理", ItemState.TRANSFERRED: "待部门受理",
    ItemState.ACCEPTED: "部门办理", ItemState.MORE_REQUESTED: "补充材料",
    ItemState.RESUBMITTED: "补充后待受理", TOTAL: "办理全程",
}
#: the stages the resident holds (the item's limit does not run): no due date
WAITING = (ItemState.MORE_REQUESTED,)
ENDED = (ItemState.FINISHED, ItemState.RETURNED)

DueOf = Callable[[date, int], date]


def _due_plain(start: date, limit: int) -> date:
    return add_working_days(start, limit).due


def facts_of(item: RequestItem, records: list[ItemStep],
             due_of: DueOf = _due_plain) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(record id, fact fields)`` of one item from its step records (ordered)."""
    base = {"kind": KIND, "object_id": item.pk, "region_path": item.region_path,
            "township_path": item.request.region.path if item.request.region_id else "",
            "item_code": item.item_code, "department": item.department_code}
    first = start = clock = None
    for record in records:
        if record.from_state == record.to_state:
            continue
        if not record.from_state:  # dispatched: the first stage and the clock start
            first = start = clock = record.on
            continue
        if record.from_state not in STEP_LABELS or start is None:
            continue  # e.g. taken from the online queue: the item did not move
        step = record.from_state
        due = None if step in WAITING or clock is None else due_of(clock, item.limit)
        yield record.pk, {**base, "step": step, "step_label": STEP_LABELS[step],
                          "started_on": start, "ended_on": record.on, "due_on": due,
                          "ended_at": record.at}
        if record.to_state == ItemState.RESUBMITTED:
            clock = record.on  # 材料补齐之日起 the limit runs again
        if record.to_state in ENDED and first is not None:
            due = due_of(clock, item.limit) if clock is not None else None
            yield record.pk, {**base, "step": TOTAL, "step_label": STEP_LABELS[TOTAL],
                              "started_on": first, "ended_on": record.on, "due_on": due,
                              "ended_at": record.at}
        start = record.on


def record_ended(item: RequestItem, record: ItemStep) -> None:
    """Keep the facts the step record ``record`` ended (none when it did not move the item)."""
    if record.from_state == record.to_state or record.from_state not in STEP_LABELS:
        return
    from jiuzhu.calendars.services import record_step

    records = list(ItemStep.objects.filter(item=item).order_by("at", "id"))
    for record_id, fields in facts_of(item, records):
        if record_id == record.pk:
            record_step(**fields)


def all_facts() -> Iterator[dict[str, Any]]:
    """Every existing item's facts (for ``backfill_step_facts``)."""
    from django.db.models import Prefetch

    cache: dict[tuple[date, int], date] = {}

    def due_of(start: date, limit: int) -> date:
        if (start, limit) not in cache:
            cache[start, limit] = _due_plain(start, limit)
        return cache[start, limit]

    qs = (RequestItem.objects.select_related("request__region").order_by("pk")
          .prefetch_related(Prefetch("steps", ItemStep.objects.order_by("at", "id"))))
    for item in qs.iterator(chunk_size=500):
        for _record_id, fields in facts_of(item, list(item.steps.all()), due_of):
            yield fields


def count() -> int:
    return RequestItem.objects.count()
