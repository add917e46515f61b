from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiuzhu.core.errors import ErrorCode, ServiceError

from .models import Application


def applications_visible_to(user: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related("household", "region", "assessment")
    if user.is_superuser:
        return qs
    return qs.filter(region_path__startswith=user.region_path) if user.region_path else qs.none()


def application_get(*, user: Any, pk: int) -> Application:
    application = applications_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "申请不存在")
    return application


def overdue(*, user: Any) -> QuerySet[Application]:
    """超时通报: red cases of the user's region."""
    return applications_visible_to(user).filter(alert="red").order_by("due_date")
