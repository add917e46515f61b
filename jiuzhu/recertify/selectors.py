"""Reads of 资格认证: what a user may see, the per-village counts, a resident's open
confirmation by query code."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.applications.models import Application
from jiuzhu.core.access import get_visible

from .choices import DONE_STATES, OPEN_STATES, Bucket, State
from .models import Confirmation, RecertifySetting


def bucket_q(bucket: str, today: date) -> Q:
    """待认证: open and not past the due date; 已认证: confirmed (checked or not);
    逾期未认证: open and past the due date."""
    if bucket == Bucket.DONE:
        return Q(state__in=DONE_STATES)
    if bucket == Bucket.MISSING:
        return Q(state__in=OPEN_STATES, due_on__lt=today)
    return Q(state__in=OPEN_STATES, due_on__gte=today)


def confirmations_visible_to(user: Any, *, today: date | None = None) -> QuerySet[Confirmation]:
    """The user's region's confirmations (not the cancelled ones), each with its ``bucket``."""
    today = today or timezone.localdate()
    return (Confirmation.objects.visible_to(user).exclude(state=State.CANCELLED)
            .select_related("household", "region", "application")
            .annotate(bucket=Case(
                When(bucket_q(Bucket.DONE, today), then=Value(Bucket.DONE.value)),
                When(bucket_q(Bucket.MISSING, today), then=Value(Bucket.MISSING.value)),
                default=Value(Bucket.DUE.value), output_field=CharField())))


def village_counts(user: Any, *, today: date | None = None) -> list[dict[str, Any]]:
    """Per village: due, done and missing confirmations (the list page's summary)."""
    today = today or timezone.localdate()
    rows = (Confirmation.objects.visible_to(user).exclude(state=State.CANCELLED)
            .order_by().values("region_id", "region__name", "region__path")
            .annotate(due=Count("pk", filter=bucket_q(Bucket.DUE, today)),
                      done=Count("pk", filter=bucket_q(Bucket.DONE, today)),
                      missing=Count("pk", filter=bucket_q(Bucket.MISSING, today)),
                      changes=Count("pk", filter=Q(state=State.CHANGE_DECLARED)))
            .order_by("region__path"))
    return list(rows)


def changes_waiting(user: Any) -> QuerySet[Confirmation]:
    """The declared changes waiting for the township's review (今日待办)."""
    return Confirmation.objects.visible_to(user).filter(state=State.CHANGE_DECLARED)


def confirmation_get(*, user: Any, pk: int) -> Confirmation:
    """One confirmation the user may see; 404 (audited as denied) otherwise."""
    return get_visible(Confirmation.objects.select_related(
        "household", "region", "application", "reviewer", "visit_task__assignee"), user,
        message=_("资格认证记录不存在"), pk=pk)


def settings_visible_to(user: Any) -> QuerySet[RecertifySetting]:
    return RecertifySetting.objects.visible_to(user).select_related("county", "updated_by")


def applications_of_code(code: str) -> list[int]:
    """The cases a resident's query code names: the case's own code, or the code of the
    one-window request that started it."""
    from jiuzhu.intake.models import RequestItem

    code = (code or "").strip().upper()
    if not code:
        return []
    own = list(Application.objects.filter(query_code=code).values_list("pk", flat=True))
    started = list(RequestItem.objects.filter(request__query_code=code,
                                              application__isnull=False)
                   .values_list("application_id", flat=True))
    return own + [pk for pk in started if pk not in own]


def open_for_code(code: str) -> Confirmation | None:
    """The confirmation a resident may make now with this code (the earliest due), or
    None. Read as the platform: the caller has checked the code and the ID digits."""
    cases = applications_of_code(code)
    if not cases:
        return None
    return (Confirmation.objects.filter(application_id__in=cases, state__in=OPEN_STATES)
            .select_related("household", "application").order_by("due_on", "id").first())


def latest_for_code(code: str) -> Confirmation | None:
    """The latest confirmation of the code's cases (to tell a resident where it stands)."""
    cases = applications_of_code(code)
    if not cases:
        return None
    return (Confirmation.objects.filter(application_id__in=cases)
            .exclude(state=State.CANCELLED).order_by("-due_on", "-id").first())
