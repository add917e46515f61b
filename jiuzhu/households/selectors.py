"""Reads of the household registry, always within the reader's region subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext as _

from jiuzhu.core.access import VisibleQuerySet, not_visible, sees_everything, user_prefixes
from jiuzhu.core.fields import BlindIndexField
from jiuzhu.core.masking import MASKS

from .models import Household, Member


def households_visible_to(user: Any) -> VisibleQuerySet[Household]:
    return Household.objects.visible_to(user)


#: A query of at most this many characters (a surname, a given name) matches names by their
#: start; a longer one matches names and addresses anywhere in them.
SHORT_QUERY = 2
#: A region path of this many levels or more (a county: ``98/9801/980104/``) holds a small
#: share of a province's households.
LOCAL_DEPTH = 3


def household_search(*, user: Any, q: str = "", region_code: str = "",
                     status: str = "active") -> QuerySet[Household]:
    """Households by ID number, household number, name or address, in a region, by number.

    An ID number (18 characters) and a household number match exactly. A query of one or
    two characters matches the start of a member's or the head's name or of its given name
    (the name without its first character): "王" finds 王小明, "小明" finds 王小明 and 小明华;
    a longer one matches anywhere in those names and in the address ("幸福村3组"). Each is
    served by an index on PostgreSQL (pattern B-tree indexes for the starts, pg_trgm GIN
    indexes for "anywhere", see migration 0007)."""
    qs = households_visible_to(user).select_related("region")
    if status:
        qs = qs.filter(status=status)
    region = None
    if region_code:
        from jiuzhu.regions.models import Region

        region = Region.objects.filter(code=region_code).first()
        qs = qs.within(region)
    q = q.strip()
    if q:
        if len(q) == 18 and q[:17].isdigit():
            members = Member.objects.filter(household=OuterRef("pk"), id_number=q.upper())
            qs = qs.filter(Exists(members))
        else:
            qs = qs.filter(pk__in=_matching_households(qs, q, local=_local(user, region)))
    return qs.order_by("household_id")


def _local(user: Any, region: Any) -> bool:
    """Whether the search covers a county or less (the region chosen, else all that the
    user sees): a small share of a province's households."""
    if region is not None:
        paths = [region.path]
    else:
        paths = [] if sees_everything(user) else user_prefixes(user)
    return bool(paths) and all(path.count("/") >= LOCAL_DEPTH for path in paths)


def _matching_households(scope: QuerySet[Household], q: str, *, local: bool) -> QuerySet[Any]:
    """The ids of the households of ``scope`` that a (not ID number) query finds, as one
    subquery: the households' own matches and their members' — a UNION ALL, so that each
    part is read from its own indexes (an OR with a member subquery is checked household by
    household, or hashes every matching member of the province).

    A short query in a ``local`` search restricts the members' part to the scope's
    households too: "王" is one member in ten, and the planner may then read a township's
    members rather than every 王 of the province (province-wide, that restriction would
    only make it read the whole households table). A longer query matches few members: the
    trigram index finds them at once, restricted or not."""
    scope = scope.order_by()
    number = Q(household_id__in=list(dict.fromkeys((q, q.upper()))))
    if len(q) <= SHORT_QUERY:
        own = number | _name_starts("head_name", q)
        members = Member.objects.filter(_name_starts("name", q))
        if local:
            members = members.filter(household__in=scope.values("pk"))
    else:
        own = number | Q(head_name__contains=q) | Q(address__contains=q)
        members = Member.objects.filter(name__contains=q)
    return (scope.filter(own).values("pk")
            .union(members.order_by().values("household_id"), all=True))


def _name_starts(field: str, q: str) -> Q:
    """The name in ``field`` or its given name (without the first character, the surname)
    starts with ``q``."""
    return Q(**{f"{field}__startswith": q}) | Q(StartsWith(Substr(field, 2), q))


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
