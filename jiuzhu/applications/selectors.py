from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiuzhu.core.access import not_visible

from .models import Application


def applications_visible_to(user: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related("household", "region", "assessment")
    if user.is_superuser:
        return qs
    return qs.filter(region_path__startswith=user.region_path) if user.region_path else qs.none()


def application_get(*, user: Any, pk: int) -> Application:
    application = applications_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise not_visible(user, Application, "申请不存在", pk=pk)
    return application


def overdue(*, user: Any) -> QuerySet[Application]:
    """超时通报: red cases of the user's region."""
    return applications_visible_to(user).filter(alert="red").order_by("due_date")
