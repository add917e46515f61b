from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuzhu.accounts.choices import Role
from jiuzhu.core.access import not_visible, visible_path

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


def awaiting_second_approval(cases: QuerySet[Application], user: Any) -> QuerySet[Application]:
    """Of ``cases``, those whose first approval waits for a second approver other than
    ``user`` (四眼原则: whoever gave the first approval cannot confirm it)."""
    from .choices import State

    return cases.filter(state=State.DECISION, first_approved_at__isnull=False) \
        .exclude(first_approved_by=getattr(user, "pk", None))


#: Who may be sent on a home investigation (入户调查), in the order the choice lists them:
#: the township's investigators, then the village assistants and grid workers who see the
#: family (next: a contracted organisation's investigators, as a scope of their own).
INVESTIGATING_ROLES = (Role.INVESTIGATOR, Role.VILLAGE_ASSISTANT, Role.GRID_WORKER)


def investigation_candidates(application: Application) -> list[Any]:
    """The people the reviewer may assign to the case's home investigation: active users of
    the township with an investigating role who see the case (their region's subtree or a
    grid granted to them holds the family — ``visible_path``, the rule ``visible_to``
    applies), investigators first, then by name."""
    from jiuzhu.accounts.models import User
    from jiuzhu.regions.models import Region

    users = (User.objects.filter(role__in=INVESTIGATING_ROLES, is_active=True,
                                 region__in=Region.objects.within(application.region))
             .select_related("region"))
    order = {role: index for index, role in enumerate(INVESTIGATING_ROLES)}
    seeing = [u for u in users if visible_path(u, application.region_path)]
    return sorted(seeing, key=lambda u: (order[u.role], u.region.path, str(u), u.pk))


def my_investigations(user: Any) -> ApplicationQuerySet:
    """我的调查: the cases the user is assigned to investigate (and still sees), the ones
    waiting for the survey first, then the recorded ones, newest first."""
    return (applications_visible_to(user).select_related(None)
            .select_related("household", "household__region", "region")
            .filter(investigator_users=user).with_alert()
            .order_by("investigation_recorded", "due_date", "-submitted_at"))
