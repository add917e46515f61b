"""Reads of the emergency cases for the pages and the API: the township's duty list
(值班清单), the overdue list, one case with everything its page shows, the counts of the
home page. Every read goes through ``EmergencyCase.objects.visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiuzhu.core.access import not_visible

from . import deadlines
from .choices import LEVEL_RANK, OPEN_STATES, Alert, CaseState, Level
from .models import EmergencyCase, FirstHelp, Referral, UrgentAssessmentRecord

RELATED = ("household", "township", "region", "opened_by", "application")


def cases_visible_to(user: Any) -> QuerySet[EmergencyCase]:
    """Every case the user sees, newest first."""
    return EmergencyCase.objects.visible_to(user).select_related(*RELATED)


def cases(user: Any, *, level: str = "", state: str = "", region: Any = None,
          query: str = "") -> QuerySet[EmergencyCase]:
    """The list (急难个案), newest first, filtered by level, state, a region of the user's
    subtree and a number or head's name."""
    qs = cases_visible_to(user)
    if level:
        qs = qs.filter(level=level)
    if state:
        qs = qs.filter(state=state)
    if region is not None:
        qs = EmergencyCase.objects.within(region).filter(pk__in=qs.values("pk")) \
            .select_related(*RELATED)
    if query:
        from django.db.models import Q

        qs = qs.filter(Q(number__icontains=query) | Q(household__head_name__icontains=query)
                       | Q(household__household_id__icontains=query))
    return qs


def with_alert(rows: Any, now: datetime | None = None) -> list[EmergencyCase]:
    """The cases with ``alert`` (none/yellow/red) set on each, for lists."""
    now = now or timezone.now()
    out = []
    for case in rows:
        case.alert = deadlines.alert(case, now)  # type: ignore[attr-defined]
        out.append(case)
    return out


def _duty_key(case: EmergencyCase) -> tuple[int, int, datetime]:
    # overdue first within a colour would hide the colour order the spec asks for: colour
    # red → green, then the earliest response deadline
    return (LEVEL_RANK.get(Level(case.level), 9), 0 if case.responded_at is None else 1,
            case.respond_by)


def duty_list(user: Any, now: datetime | None = None) -> list[EmergencyCase]:
    """The open cases of the user's township (subtree), red → green, then by ``respond_by``;
    each with ``alert``."""
    rows = cases_visible_to(user).filter(state__in=OPEN_STATES)
    return sorted(with_alert(rows, now), key=_duty_key)


def overdue(user: Any, now: datetime | None = None) -> list[EmergencyCase]:
    """The cases in red alert: not responded in time, or the papers of help paid first not
    done by ``papers_due`` — the earliest deadline first."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    from django.db.models import Q

    rows = cases_visible_to(user).filter(
        Q(responded_at__isnull=True, closed_at__isnull=True, respond_by__lt=now)
        | Q(papers_due__lt=today, papers_done_at__isnull=True))
    return sorted(with_alert(rows, now), key=lambda c: c.respond_by)


@dataclass
class CaseDetail:
    """Everything a case page shows."""

    case: EmergencyCase
    alert: str
    assessments: list[UrgentAssessmentRecord]
    helps: list[FirstHelp]
    referrals: list[Referral]
    referral_outcomes: dict[int, str]
    steps: list[Any]
    photos: list[Any]
    documents: list[Any] = field(default_factory=list)
    offers: list[Any] = field(default_factory=list)


def case_get(user: Any, pk: int) -> EmergencyCase:
    """One case the user sees (404 ``ServiceError`` otherwise; a case outside the user's
    subtree is reported as a denial)."""
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise not_visible(user, EmergencyCase, "急难个案不存在", pk=pk)
    return case


def case_detail(user: Any, pk: int, now: datetime | None = None) -> CaseDetail:
    """The case page: the case with its alert, the history of levels, the help, the
    referrals with their outcome as of today, the steps, the photos, the documents and
    the buttons this user is offered (``CASE_WORKFLOW.offers``)."""
    from jiuzhu.documents.selectors import documents_for

    from .workflow import CASE_WORKFLOW

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    case = case_get(user, pk)
    referrals = list(case.referrals.select_related("request_item").all())
    return CaseDetail(
        case=case, alert=deadlines.alert(case, now),
        assessments=list(case.assessments.select_related("by").all()),
        helps=list(case.helps.select_related("fund", "approved_by", "paid_by").all()),
        referrals=referrals, referral_outcomes={r.pk: r.outcome_on(today) for r in referrals},
        steps=list(case.steps.select_related("actor").all()),
        photos=list(case.photos.all()), documents=documents_for(case),
        offers=CASE_WORKFLOW.offers(user, case, today=today))


def counts_for_home(user: Any, now: datetime | None = None) -> dict[str, int]:
    """The home page's figures: open cases, red (colour) open cases, overdue, awaiting the
    county, papers due."""
    now = now or timezone.now()
    open_rows = with_alert(cases_visible_to(user).filter(state__in=OPEN_STATES), now)
    return {
        "open": len(open_rows),
        "red": sum(1 for c in open_rows if c.level == Level.RED),
        "overdue": sum(1 for c in open_rows if getattr(c, "alert", "") == Alert.RED),
        "yellow_alert": sum(1 for c in open_rows if getattr(c, "alert", "") == Alert.YELLOW),
        "awaiting_county": sum(1 for c in open_rows if c.state == CaseState.AWAITING_COUNTY),
        "papers_pending": sum(1 for c in open_rows if c.state == CaseState.HELPED),
    }
