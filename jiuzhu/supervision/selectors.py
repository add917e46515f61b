"""Reads of reviews and tip-offs, within the reader's region subtree."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuzhu.core.access import VisibleQuerySet, not_visible

from .choices import TaskStatus
from .models import ReviewTask, TipOff

_Q = TypeVar("_Q", bound=VisibleQuerySet)


def _in_region(qs: _Q, user: Any) -> _Q:
    return qs.visible_to(user)


def review_tasks_open(*, user: Any) -> QuerySet[ReviewTask]:
    """Open review tasks of the user's region, the most overdue first."""
    return (_in_region(ReviewTask.objects.all(), user).filter(status=TaskStatus.OPEN)
            .select_related("application__household", "application__region")
            .order_by("due_on", "pk"))


def review_task_get(*, user: Any, pk: int) -> ReviewTask:
    task = (_in_region(ReviewTask.objects.all(), user)
            .select_related("application__household", "application__region", "assessment",
                            "done_by").filter(pk=pk).first())
    if task is None:
        raise not_visible(user, ReviewTask, _("复核任务不存在"), pk=pk)
    return task


def tipoffs_visible_to(user: Any) -> QuerySet[TipOff]:
    return (_in_region(TipOff.objects.all(), user)
            .select_related("household", "application", "application__region"))


def tipoff_get(*, user: Any, pk: int) -> TipOff:
    tip_off = tipoffs_visible_to(user).filter(pk=pk).first()
    if tip_off is None:
        raise not_visible(user, TipOff, _("举报不存在"), pk=pk)
    return tip_off
