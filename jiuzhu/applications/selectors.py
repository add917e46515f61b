from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuzhu.core.access import not_visible

from .models import Application, ApplicationQuerySet


def applications_visible_to(user: Any) -> ApplicationQuerySet:
    return Application.objects.visible_to(user).select_related("household", "region", "assessment")


def application_get(*, user: Any, pk: int) -> Application:
    application = applications_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise not_visible(user, Application, _("申请不存在"), pk=pk)
    return application


def overdue(*, user: Any) -> QuerySet[Application]:
    """超时通报: the user's cases that are red today (computed, no daily job needed)."""
    return applications_visible_to(user).with_alert().filter(alert="red").order_by("due_date")
