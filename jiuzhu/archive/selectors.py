"""Reads of the electronic archive: always through ``visible_to(user)``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from jiuzhu.core.access import get_visible
from jiuzhu.regions.models import Region

from .choices import CaseKind
from .models import ArchiveCheck, ArchivePackage, ArchivePackageQuerySet


def packages_visible_to(user: Any) -> ArchivePackageQuerySet:
    return (ArchivePackage.objects.visible_to(user).with_check()
            .select_related("household", "region"))


def package_search(user: Any, *, q: str = "", record_class: str = "", closing: str = "",
                   kind: str = "", township: str = "", year: int | None = None
                   ) -> ArchivePackageQuerySet:
    """The packages the user sees, filtered (a township by its code), newest closing first."""
    qs = packages_visible_to(user)
    q = q.strip()
    if q:
        qs = qs.filter(Q(case_number__icontains=q) | Q(household__head_name__icontains=q)
                       | Q(household__household_id__icontains=q))
    if record_class:
        qs = qs.filter(record_class=record_class)
    if closing:
        qs = qs.filter(closing=closing)
    if kind:
        qs = qs.filter(case_kind=kind)
    if township:
        qs = qs.within(Region.objects.filter(code=township).only("path").first())
    if year:
        qs = qs.filter(closed_on__year=year)
    return qs.order_by("-closed_on", "-id")


def package_get(user: Any, pk: int) -> ArchivePackage:
    """404 (``ServiceError``) for a package that does not exist or lies outside the user's
    region (the refusal audited)."""
    return get_visible(packages_visible_to(user), user, message=_("电子档案不存在"), pk=pk)


def packages_of_case(user: Any, kind: str, case_id: int) -> list[ArchivePackage]:
    return list(packages_visible_to(user).for_case(kind, case_id).order_by("version"))


def case_get(user: Any, kind: str, case_id: int) -> Any:
    """The case (an application or an emergency case) the user sees; 404 otherwise."""
    if kind == CaseKind.APPLICATION:
        from jiuzhu.applications.models import Application

        return get_visible(Application.objects.select_related("household", "region"), user,
                           message=_("案件不存在"), pk=case_id)
    if kind == CaseKind.EMERGENCY:
        from jiuzhu.emergency.models import EmergencyCase

        return get_visible(EmergencyCase.objects.select_related("household", "region"), user,
                           message=_("急难个案不存在"), pk=case_id)
    from jiuzhu.core.errors import ErrorCode, ServiceError

    raise ServiceError(ErrorCode.NOT_FOUND, _("案件不存在"))


def checks_of(package: ArchivePackage, limit: int = 10) -> list[ArchiveCheck]:
    return list(package.checks.select_related("checked_by").order_by("-checked_at", "-id")
                [:limit])


def townships(user: Any) -> list[Region]:
    return list(Region.objects.visible_to(user).filter(level="township").order_by("path")
                .only("code", "name"))
