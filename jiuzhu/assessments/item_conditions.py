"""Items as data (issue #16 item 5) on the Django side: the catalogue's items in force as
the engine's :class:`~jiuzhu.rules.prescription.ItemRule` (so the 大处方, its API and 大处方统计
decide every item in force, a county's added item included), and the preview of a condition
on the households of the administrator's region (预览: which match and why).

The conditions are texts on the item versions (``condition_eligible``,
``condition_possible``), checked by the catalogue when saved; the 39 items keep the engine's
reasons while their conditions are the rules library's (``jiuzhu/rules/items/conditions.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region
from jiuzhu.rules.conditions import ConditionError, check, evaluate, explain
from jiuzhu.rules.prescription import CODES, ORDER, ItemRule, default_rule, prescription_arrays

from .loader import load_chunk

#: Coordination order (衔接顺序) of an item added by a county: after the 39.
ADDED_ORDER = max(ORDER.values()) + 1
PREVIEW_ROWS = 50
PREVIEW_HOUSEHOLDS = 20_000


def _condition(text: str) -> str:
    """The text if it parses; "" (decided on request) for a version saved before the
    check or changed in the database by hand — never an error on a household's page."""
    try:
        check(text)
    except ConditionError:
        return ""
    return text


def item_rule(item: Any) -> ItemRule:
    """A catalogue item version as the engine's item rule."""
    default = default_rule(item.code)
    eligible = _condition(item.condition_eligible or "")
    possible = _condition(item.condition_possible or "")
    members = default.members if default and (default.eligible, default.possible) == (
        eligible, possible) else ""
    return ItemRule(item.code, default.order if default else ADDED_ORDER, item.name,
                    eligible, possible, members)


def rules_of(items: list[Any]) -> tuple[ItemRule, ...]:
    """The item rules of catalogue versions: the 39 in the engine's order, then the others
    in catalogue order."""
    rules = [item_rule(item) for item in items]
    position = {code: i for i, code in enumerate(CODES)}
    return tuple(sorted(rules, key=lambda r: position.get(r.code, len(CODES))))


def rules_in_force(on: date | None = None) -> tuple[ItemRule, ...]:
    from jiuzhu.catalogue.selectors import items_in_force

    return rules_of(items_in_force(on))


def on_request_codes(rules: tuple[ItemRule, ...]) -> set[str]:
    """Items without a condition: decided on request (依申请办理)."""
    return {r.code for r in rules if not r.eligible and not r.possible}


# --- the preview on the catalogue page -----------------------------------------------------


@dataclass
class PreviewRow:
    household_pk: int
    household_id: str
    head_name: str
    region: str
    status: str  # "eligible" or "possible"
    clauses: list[Any]


@dataclass
class ConditionPreview:
    region: Region | None
    households: int = 0
    eligible: int = 0
    possible: int = 0
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    truncated: bool = False


def condition_preview(*, actor: Any, code: str, eligible: str, possible: str,
                      on: date | None = None) -> ConditionPreview:
    """Which active households of the actor's region a condition would recommend (符合) or
    show as possible (可能符合), with the clauses that decided, the first
    :data:`PREVIEW_ROWS` listed. A condition that does not parse comes back as ``errors``
    naming the field and the character; nothing is stored."""
    from .prescription import items_receiving_in

    region = getattr(actor, "region", None) or Region.objects.filter(parent=None).first()
    if region is None or not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("区划不存在"))
    require(actor, region.path, "assessments.preview_condition", what=_("区划"))
    preview = ConditionPreview(region=region)
    texts = {"condition_eligible": " ".join((eligible or "").split()),
             "condition_possible": " ".join((possible or "").split())}
    parsed = {}
    for name, text in texts.items():
        try:
            parsed[name] = check(text)
        except ConditionError as error:
            preview.errors.append({"path": name, "message": _(
                "第 %(position)s 个字符有误：%(message)s") % {
                "position": error.position, "message": error.message}})
    if preview.errors:
        return preview
    on = on or timezone.localdate()
    candidate = ItemRule(code or "NEW", ADDED_ORDER, code or _("新事项"),
                         texts["condition_eligible"], texts["condition_possible"])
    rules = tuple(r for r in rules_in_force(on) if r.code != candidate.code) + (candidate,)
    chunk = load_chunk(path_prefix=region.path, after_pk=0, limit=PREVIEW_HOUSEHOLDS,
                       assessment_date=on, extras=True)
    size = len(chunk.household_pks)
    preview.households = size
    preview.truncated = size >= PREVIEW_HOUSEHOLDS
    if size == 0:
        return preview
    assert chunk.extras is not None
    receiving = np.zeros((size, len(rules)), dtype=np.bool_)
    column = {r.code: i for i, r in enumerate(rules)}
    held = items_receiving_in(region)
    for row, pk in enumerate(chunk.household_pks.tolist()):
        for item_code in held.get(pk, ()):
            if item_code in column:
                receiving[row, column[item_code]] = True
    arrays = prescription_arrays(chunk.batch, chunk.extras, items=rules, receiving=receiving)
    assert arrays.facts is not None
    held_eligible = evaluate(parsed["condition_eligible"], arrays.facts)
    held_possible = evaluate(parsed["condition_possible"], arrays.facts) & ~held_eligible
    preview.eligible, preview.possible = int(held_eligible.sum()), int(held_possible.sum())
    matched = np.flatnonzero(held_eligible | held_possible)[:PREVIEW_ROWS].tolist()
    pks = chunk.household_pks[matched].tolist()
    households = {h.pk: h for h in Household.objects.visible_to(actor).filter(pk__in=pks)
                  .select_related("region")}
    names = _member_names(chunk.batch.member_offsets, matched, pks, households)
    for i, pk in zip(matched, pks, strict=True):
        household = households.get(pk)
        if household is None:  # not visible to the actor (a scope): not shown
            continue
        status = "eligible" if held_eligible[i] else "possible"
        condition = parsed["condition_eligible" if status == "eligible" else "condition_possible"]
        preview.rows.append(PreviewRow(
            household_pk=pk, household_id=household.household_id,
            head_name=household.head_name, region=household.region.name, status=status,
            clauses=explain(condition, arrays.facts, i, names)))
    return preview


def _member_names(offsets: np.ndarray, rows: list[int], pks: list[int],
                  households: dict[int, Household]) -> list[str] | None:
    """The members' names of the listed households (visible ones only) in the batch's
    member order, "" elsewhere; None when a household's members do not line up."""
    from jiuzhu.households.models import Member

    names = [""] * int(offsets[-1])
    by_household: dict[int, list[str]] = {}
    for household_pk, name in (Member.objects.filter(household__in=list(households))
                               .order_by("household_id", "position", "pk")
                               .values_list("household_id", "name")):
        by_household.setdefault(household_pk, []).append(name)
    for i, pk in zip(rows, pks, strict=True):
        if pk not in households:
            continue
        start, stop = int(offsets[i]), int(offsets[i + 1])
        listed = by_household.get(pk, [])
        if len(listed) != stop - start:
            return None
        names[start:stop] = listed
    return names
