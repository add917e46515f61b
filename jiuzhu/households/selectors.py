"""Reads of the household registry, always within the reader's region subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from jiuzhu.core.access import VisibleQuerySet, not_visible
from jiuzhu.core.fields import BlindIndexField
from jiuzhu.core.masking import MASKS

from .models import Household, Member


def households_visible_to(user: Any) -> VisibleQuerySet[Household]:
    return Household.objects.visible_to(user)


def household_search(*, user: Any, q: str = "", region_code: str = "",
                     status: str = "active") -> QuerySet[Household]:
    """Households by ID number, name or household number, in a region, newest rule first."""
    qs = households_visible_to(user).select_related("region")
    if status:
        qs = qs.filter(status=status)
    if region_code:
        from jiuzhu.regions.models import Region

        qs = qs.within(Region.objects.filter(code=region_code).first())
    q = q.strip()
    if q:
        if len(q) == 18 and q[:17].isdigit():
            members = Member.objects.filter(household=OuterRef("pk"), id_number=q.upper())
            qs = qs.filter(Exists(members))
        else:
            members = Member.objects.filter(household=OuterRef("pk"), name__contains=q)
            qs = qs.filter(Q(household_id__iexact=q) | Q(head_name__contains=q)
                           | Q(address__contains=q) | Exists(members))
    return qs.order_by("household_id")


def household_get(*, user: Any, pk: int | None = None, household_id: str | None = None,
                  for_update: bool = False) -> Household:
    """One household the user may see; another township's is 'not found', like a missing one."""
    qs = households_visible_to(user).select_related("region", "grid")
    lookup = {"pk": pk} if pk is not None else {"household_id": household_id}
    household = qs.filter(**lookup).first()
    if household is None:
        raise not_visible(user, Household, _("家庭不存在"), **lookup)
    return household


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    what: str
    kind: str
    reason: str
    changes: list[tuple[str, str, str]]


def household_history(*, household: Household, limit: int = 200) -> list[Change]:
    """Every recorded change of the household and its rows, newest first."""
    records: list[Any] = list(household.history.select_related("history_user")[:limit])
    for manager in (Member.history, household.supporters.model.history,
                    household.vehicles.model.history):
        records += list(manager.filter(household_id=household.pk)
                        .select_related("history_user")[:limit])
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    changes: list[Change] = []
    for record in records[:limit]:
        model = record.instance._meta
        label = str(model.verbose_name)
        name = getattr(record, "name", "") or (
            record.get_kind_display() if hasattr(record, "get_kind_display") else "")
        what = f"{label} {name}".strip() if model.model_name != "household" else label
        kind = {"+": "新增", "~": "修改", "-": "删除"}[record.history_type]
        diffs: list[tuple[str, str, str]] = []
        previous = record.prev_record
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = model.get_field(change.field)
                if isinstance(field, BlindIndexField):
                    continue
                diffs.append((str(field.verbose_name), _show(previous, change.field, change.old),
                              _show(record, change.field, change.new)))
            if not diffs:
                continue
        user = record.history_user
        changes.append(Change(at=record.history_date,
                              who=(user.full_name or user.username) if user else "系统",
                              what=what, kind=kind, reason=record.history_change_reason or "",
                              changes=diffs))
    return changes


def _show(record: Any, field: str, value: Any) -> str:
    display = getattr(record, f"get_{field}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, bool):
        return "是" if value else "否"
    if field in MASKS:  # personal data: masked here too (查看完整信息 shows it in full)
        return MASKS[field](value)
    return "" if value is None else str(value)
