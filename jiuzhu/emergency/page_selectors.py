"""Read-only helpers of the emergency pages: how a deadline reads to a worker (剩 5 小时 /
已超时 3 小时), the duty list's order, village names and per-colour counts. Only reads:
every write is a service's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import LEVEL_RANK, OPEN_STATES, Level
from .models import EmergencyCase


@dataclass(frozen=True)
class DeadlineView:
    alert: str  # none | yellow | red
    overdue: bool  # not responded in time
    papers_overdue: bool
    text: str  # 剩 5 小时 / 已超时 2 天 3 小时 / 已响应


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s 天 %(h)s 小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s 小时 %(m)s 分") % {"h": hours, "m": minutes}
    return _("%(m)s 分钟") % {"m": minutes}


def deadline_view(case: EmergencyCase, *, now: datetime | None = None) -> DeadlineView:
    """The case's response deadline and papers as a worker reads them, with the alert colour
    of ``deadlines.alert`` (the backend's rule: red when overdue, yellow at 2/3)."""
    from . import deadlines

    now = now or timezone.now()
    alert = deadlines.alert(case, now)
    today = timezone.localdate(now)
    papers_overdue = bool(case.papers_due and not case.papers_done_at and today > case.papers_due)
    if case.responded_at:
        overdue = False
        text = _("已响应")
        if papers_overdue:
            text = _("补办手续已逾期（期限 %(due)s）") % {"due": case.papers_due.isoformat()}  # type: ignore[union-attr]
        elif case.papers_due and not case.papers_done_at:
            text = _("补办手续期限 %(due)s") % {"due": case.papers_due.isoformat()}
    else:
        left = (case.respond_by - now).total_seconds()
        overdue = left < 0
        text = (_("已超时 %(span)s") if overdue else _("剩 %(span)s")) % {"span": _span(left)}
    return DeadlineView(alert=str(alert), overdue=overdue, papers_overdue=papers_overdue, text=text)


def village_name(case: EmergencyCase) -> str:
    """The village (community) of the case by name (a grid shows inside its village)."""
    region = case.region
    if region.level == "grid" and region.parent is not None:
        return f"{region.parent.name} · {region.name}"
    return region.name


def level_counts(user: Any) -> list[tuple[str, str, int]]:
    """(level, Chinese label, open cases) for each colour, red first: one query."""
    counts = EmergencyCase.objects.visible_to(user).filter(state__in=OPEN_STATES).aggregate(
        **{level.value: Count("pk", filter=Q(level=level.value)) for level in Level})
    return [(level.value, str(level.label), counts.get(level.value) or 0) for level in Level]


def overdue_cases(user: Any, *, now: datetime | None = None) -> list[tuple[EmergencyCase, str]]:
    """``selectors.overdue`` (not responded in time, or papers not completed by their day),
    red → green, each with what is late, in Chinese."""
    from .selectors import overdue

    now = now or timezone.now()
    rows = []
    for case in overdue(user, now):
        late = case.responded_at is None and case.respond_by < now
        rows.append((case, _("未按时响应") if late else _("补办手续逾期")))
    rows.sort(key=lambda row: (LEVEL_RANK.get(Level(row[0].level), 9), row[0].respond_by))
    return rows


def help_get(*, user: Any, pk: int) -> Any:
    """A first help of a case the user may see, or None (like a missing one)."""
    from .models import FirstHelp

    row = FirstHelp.objects.filter(pk=pk).select_related("case").first()
    if row is None or not EmergencyCase.objects.visible_to(user).filter(pk=row.case_id).exists():
        return None
    return row


def helps_of(case: EmergencyCase) -> list[Any]:
    """The case's first help with its fund, people and amount in yuan, oldest first."""
    from decimal import Decimal

    helps = list(case.helps.select_related("fund", "approved_by", "paid_by").order_by("pk"))
    for h in helps:
        h.page_amount = f"{Decimal(h.amount_fen) / 100:,.2f}"  # type: ignore[attr-defined]
    return helps


def steps_of(case: EmergencyCase) -> list[dict[str, Any]]:
    """办理记录 in Chinese: the action's label, who, when, from → to."""
    from .choices import CaseState
    from .workflow import CASE_WORKFLOW

    states = dict(CaseState.choices)
    labels = CASE_WORKFLOW.labels()
    return [{"label": _(labels[s.action]) if s.action in labels
             else (_("登记") if s.action == "open" else s.action),
             "at": s.at, "actor": s.actor_name or _("系统"),
             "changed": bool(s.from_state and s.from_state != s.to_state),
             "from": states.get(s.from_state, s.from_state), "to": states.get(s.to_state, s.to_state)}
            for s in case.steps.all()]


def help_limits(case: EmergencyCase) -> dict[str, int]:
    """The township's approval limit, the event cap and what the event has had so far (fen),
    for the approval form (the services check them again)."""
    from jiuzhu.funds.selectors import case_total_fen
    from jiuzhu.rules.emergency import event_cap_fen, first_help_limit_fen

    from .services import case_parameters

    params = case_parameters(case)
    return {"township_fen": first_help_limit_fen(params, case.standard_fen, case.size),
            "cap_fen": event_cap_fen(params, case.standard_fen, case.size),
            "given_fen": case_total_fen(case.pk)}


def funds_for(user: Any, case: EmergencyCase) -> list[Any]:
    """The funds the user sees that may pay this case's help (its township's reserve, the
    funds above it), reserves first."""
    from jiuzhu.funds.selectors import funds_visible_to

    funds = list(funds_visible_to(user).order_by("-kind", "name")[:100])
    return [f for f in funds if case.region_path.startswith(f.region_path)]
