"""Reads of grids, leads and visit tasks, within the reader's region subtree.

A grid worker also sees the grids they are responsible for (a worker may have grids
outside their own region) and every task assigned to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.models import User
from jiuzhu.calendars.selectors import Alert, alert_for, calendar_window
from jiuzhu.core.access import VisibleQuerySet, not_visible
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region

from .choices import LeadStatus, TaskStatus
from .models import GridAssignment, Lead, VisitTask


def responsible_paths(user: Any) -> list[str]:
    """The paths of the grids ``user`` is responsible for (one query; none for other roles)."""
    if getattr(user, "role", None) != Role.GRID_WORKER:
        return []
    return list(GridAssignment.objects.filter(worker=user).values_list("region_path", flat=True))


def leads_visible_to(user: Any) -> VisibleQuerySet[Lead]:
    return Lead.objects.visible_to(user).select_related("region", "household", "created_by")


def overdue_tasks(today: date) -> QuerySet[VisitTask]:
    return VisitTask.objects.filter(status=TaskStatus.OPEN, due_on__lt=today)


def lead_search(*, user: Any, status: str = "", source: str = "", township: str = "",
                overdue: bool = False, today: date | None = None) -> VisibleQuerySet[Lead]:
    """Leads by state, source and township; ``overdue``: an open visit task past its due date."""
    qs = leads_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if township:
        qs = qs.within(Region.objects.filter(code=township).only("path").first())
    if overdue:
        qs = qs.filter(Exists(overdue_tasks(today or timezone.localdate()).filter(lead=OuterRef("pk"))))
    return qs.order_by("-created_at", "-id")


def lead_get(*, user: Any, pk: int) -> Lead:
    """One lead the user may see; another township's is 'not found', like a missing one."""
    lead = leads_visible_to(user).filter(pk=pk).first()
    if lead is None:
        raise not_visible(user, Lead, _("线索不存在"), pk=pk)
    return lead


def tasks_visible_to(user: Any) -> QuerySet[VisitTask]:
    return VisitTask.objects.visible_to(user).select_related("lead", "lead__region", "household",
                                                             "assignee")


def task_get(*, user: Any, pk: int) -> VisitTask:
    task = tasks_visible_to(user).filter(pk=pk).first()
    if task is None:
        raise not_visible(user, VisitTask, _("走访任务不存在"), pk=pk)
    return task


def my_open_tasks(*, user: Any) -> QuerySet[VisitTask]:
    """我的走访任务: the open tasks assigned to ``user``, the earliest due first."""
    return (VisitTask.objects.filter(assignee=user, status=TaskStatus.OPEN)
            .select_related("lead", "lead__region", "household").order_by("due_on", "id"))


@dataclass(frozen=True)
class TaskRow:
    task: VisitTask
    alert: Alert


def with_alerts(tasks: list[VisitTask], *, today: date) -> list[TaskRow]:
    """Each open task with its yellow/red alert (20-workflow.md: yellow past two thirds of
    the limit, red past the due date); one calendar query for them all."""
    if not tasks:
        return []
    first = min(t.started_on for t in tasks) + timedelta(days=1)
    last = max([today] + [t.started_on + timedelta(days=2 * t.limit_days + 31) for t in tasks])
    calendar = calendar_window(first, last)
    return [TaskRow(t, alert_for(started=t.started_on, limit=t.limit_days, today=today,
                                 calendar=calendar)) for t in tasks]


def task_alert(task: VisitTask, *, today: date) -> Alert:
    """The task's alert against its own limit (1, 2 or 3 working days by the lead's urgency)."""
    return alert_for(started=task.started_on, limit=task.limit_days, today=today)


# --- grids -----------------------------------------------------------------------------------

def grids_visible_to(user: Any) -> QuerySet[Region]:
    """The grids of the user's subtree, and a grid worker's own grids."""
    return Region.objects.visible_to(user).filter(level="grid").order_by("path")


def grid_get(*, user: Any, code: str) -> Region:
    grid = grids_visible_to(user).filter(code=code).first()
    if grid is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("网格不存在"))
    return grid


def grid_workers(grid: Region) -> list[User]:
    """The responsible workers of ``grid``, in the order they were named."""
    return [a.worker for a in GridAssignment.objects.filter(grid=grid)
            .select_related("worker").order_by("id")]


def assignable_workers(user: Any, *, region: Region | None = None) -> QuerySet[User]:
    """Grid workers and village assistants the user may name (within the user's subtree,
    or ``region``'s township when given)."""
    regions = Region.objects.visible_to(user)
    qs = User.objects.filter(is_active=True, role__in=[Role.GRID_WORKER, Role.VILLAGE_ASSISTANT],
                             region__in=regions)
    return qs.select_related("region").order_by("role", "username")


def open_leads_count(*, user: Any) -> int:
    return leads_visible_to(user).exclude(status=LeadStatus.CLOSED).count()
