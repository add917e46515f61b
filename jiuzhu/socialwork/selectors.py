"""Reads of social-worker cases: what a user sees, the candidates for 事前干预, the county's
assigned organisation."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Organisation, User
from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application
from jiuzhu.assessments.models import Standing
from jiuzhu.assessments.selectors import (
    NOT_VETOED,
    in_monitoring_circle,
    standings_visible_to,
    with_monitoring_circle,
)
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region

from .choices import CaseState
from .models import SocialCase, SocialCaseQuerySet, SocialWorkAssignment

#: an application in one of these states means the family receives (or is about to)
RECEIVING_STATES = (State.APPROVED, State.IN_PAYMENT, State.SUSPENDED)
TOP_SHARE = 0.10


def cases_visible_to(user: Any) -> SocialCaseQuerySet:
    qs: SocialCaseQuerySet = SocialCase.objects.visible_to(user)
    return qs.select_related("organisation", "social_worker", "region")


def case_get(*, user: Any, pk: int) -> SocialCase:
    """The case if ``user`` may see it (404 otherwise, like a missing one)."""
    case = cases_visible_to(user).with_next_visit().filter(pk=pk).first()
    if case is None or not user.has_perm("socialwork.view_case", case):
        raise ServiceError(ErrorCode.NOT_FOUND, _("社工个案不存在"))
    return case


def county_of(region: Region) -> Region | None:
    return Region.objects.filter(code=region.county_code, level="county").first()


def assigned_organisation(region: Region) -> Organisation | None:
    """The organisation holding the county's social-work assignment: the assignment's, else
    the county's only active social organisation with a social worker."""
    county = county_of(region)
    if county is None:
        return None
    row = (SocialWorkAssignment.objects.filter(county=county, active=True)
           .select_related("organisation").first())
    if row is not None:
        return row.organisation
    return (Organisation.objects.within(county).filter(kind="social_org", active=True)
            .filter(Exists(User.objects.filter(organisation=OuterRef("pk"), role="social_worker",
                                               is_active=True)))
            .order_by("id").first())


def default_worker(organisation: Organisation) -> User | None:
    return (User.objects.filter(organisation=organisation, role="social_worker", is_active=True)
            .order_by("id").first())


def social_workers(organisation: Organisation | None = None) -> QuerySet[User]:
    qs = User.objects.filter(role="social_worker", is_active=True, organisation__isnull=False)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("organisation").order_by("organisation_id", "username")


def candidates(*, user: Any, region: Region | None = None) -> Any:
    """Households of the user's region in circles 3–4, or in their county's top 10 % of the
    hardship index, that receive nothing (no approved, paid or suspended application) and
    have no open social case: most difficult first. Circles are the monitoring circle (碑林);
    a household vetoed for assets or behaviour (V01–V14) is never a candidate."""
    qs = with_monitoring_circle(standings_visible_to(user).select_related(
        "household", "household__region")).filter(NOT_VETOED)
    if region is not None:
        qs = qs.within(region)
    hard = in_monitoring_circle(3, 4)
    home = getattr(user, "region", None)
    county = county_of(home) if home is not None else None
    if county is not None:
        in_county = Standing.objects.within(county)
        total = in_county.filter(household__status="active").count()
        if total:
            k = max(1, math.ceil(total * TOP_SHARE))
            indexes = list(in_county.filter(household__status="active")
                           .order_by("-index_hundredths")
                           .values_list("index_hundredths", flat=True)[k - 1:k])
            if indexes:
                hard |= Q(index_hundredths__gte=indexes[0])
    receiving = Application.objects.filter(household=OuterRef("household"),
                                           state__in=RECEIVING_STATES)
    open_case = SocialCase.objects.filter(household=OuterRef("household"), state=CaseState.OPEN)
    return (qs.filter(hard).annotate(receiving=Exists(receiving), has_case=Exists(open_case))
            .filter(receiving=False, has_case=False)
            .order_by("-index_hundredths", "per_capita_fen", "household__household_id"))
