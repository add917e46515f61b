"""Reads of payments, within the reader's region subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuzhu.core.access import not_visible
from jiuzhu.regions.models import Region

from .models import Payroll


def townships_for(user: Any) -> QuerySet[Region]:
    """The townships whose payroll the user may generate (those in their subtree)."""
    return Region.objects.visible_to(user).filter(level="township")


def payrolls_visible_to(user: Any) -> QuerySet[Payroll]:
    return Payroll.objects.visible_to(user).select_related("township", "generated_by",
                                                           "confirmed_by")


def payroll_get(*, user: Any, pk: int) -> Payroll:
    payroll = payrolls_visible_to(user).filter(pk=pk).first()
    if payroll is None:
        raise not_visible(user, Payroll, _("花名册不存在"), pk=pk)
    return payroll
