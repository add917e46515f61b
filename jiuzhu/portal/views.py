"""The home page (工作台): the top floor, free to read any app below it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jiuzhu.applications.choices import OPEN_STATES
from jiuzhu.applications.models import Application
from jiuzhu.households.selectors import households_visible_to
from jiuzhu.intake.choices import OPEN_ITEM_STATES
from jiuzhu.intake.models import RequestItem
from jiuzhu.regions.selectors import region_subtree


@login_required
def home(request):
    """工作台: what is in the user's region at a glance; an outside user's own work."""
    if request.user.is_outside:
        return _outside_home(request)
    households = households_visible_to(request.user)
    totals = households.filter(status="active").aggregate(total=Count("id"),
                                                         people=Sum("member_count"))
    by_region = []
    region = request.user.region
    if region is not None:
        children = list(region.children.all())
        counts = dict(
            households.filter(status="active")
            .values_list("region_path")
            .annotate(n=Count("id"))
        )
        for child in children:
            by_region.append((child, sum(n for path, n in counts.items() if path.startswith(child.path))))
    subtree_size = region_subtree(root=region).count() if region else 0
    return render(request, "portal/home.html", {
        "totals": totals, "by_region": by_region, "subtree_size": subtree_size,
        "alerts": _alert_counts(request.user),
        "investigations": _investigations_waiting(request.user),
        "emergency": _emergency(request.user),
    })


def _emergency(user) -> dict | None:
    """急难: open cases per colour and the overdue ones (None: the user sees no emergency
    page). The township's workers get the duty list's counts, a supervisor the overdue
    cases by name."""
    duty, listing = user.has_perm("emergency.view_duty"), user.has_perm("emergency.view_list")
    if not (duty or listing):
        return None
    from jiuzhu.emergency.page_selectors import level_counts, overdue_cases, village_name

    overdue = overdue_cases(user)
    return {"duty": duty, "list": listing, "counts": level_counts(user),
            "overdue_count": len(overdue),
            "overdue": [{"case": case, "what": what, "village": village_name(case)}
                        for case, what in overdue[:10]]}


def _investigations_waiting(user) -> int | None:
    """我的调查: how many assigned home investigations wait (None: not such a user)."""
    if not user.has_perm("applications.view_my_investigations"):
        return None
    from jiuzhu.applications.choices import State
    from jiuzhu.applications.selectors import my_investigations

    return my_investigations(user).filter(state=State.ACCEPTED,
                                          investigation_recorded=False).count()


def _alert_counts(user) -> dict[str, dict[str, int]]:
    """时限预警: the red and yellow cases and department items the user sees, by today's
    colour (computed, not stored): one query each."""
    counts = {"red": Count("pk", filter=Q(alert="red")),
              "yellow": Count("pk", filter=Q(alert="yellow"))}
    return {
        "applications": Application.objects.visible_to(user).filter(state__in=OPEN_STATES)
        .with_alert().aggregate(**counts),
        "items": RequestItem.objects.visible_to(user).filter(state__in=OPEN_ITEM_STATES)
        .with_alert().aggregate(**counts),
    }


def _outside_home(request):
    """An outside user's 工作台 (社工, 志愿者/服务商, 第三方调查, 爱心驿站): their own work only
    — what waits for them, with a link to each of their pages; no register figure, no
    household count, no income and no ID number (they see families assigned to them only,
    on the pages of those apps)."""
    from jiuzhu.portal.menu import entries_for

    user = request.user
    work = [row for row in (_work_social(user), _work_offers(user), _work_follow(user),
                            _work_investigations(user)) if row]
    stations = []
    if user.has_perm("stations.view_station"):
        from jiuzhu.stations.selectors import stations_of_keeper

        stations = stations_of_keeper(user)
    pages = [(e.label, e.url()) for e in entries_for(user) if not e.href and e.url()]
    return render(request, "portal/outside_home.html", {
        "organisation": user.organisation, "work": work, "stations": stations,
        "may_report": user.has_perm("leads.record_lead"), "pages": pages})


def _work_social(user) -> dict | None:
    if not user.has_perm("socialwork.view_mine"):
        return None
    from jiuzhu.socialwork.selectors import cases_visible_to

    n = cases_visible_to(user).filter(social_worker_id=user.pk, state="open").count()
    return {"label": _("我的社工个案"), "text": _("服务中 %(n)s 户") % {"n": n}, "n": n,
            "url": reverse("socialwork:mine"), "testid": "work-socialwork"}


def _work_offers(user) -> dict | None:
    if not user.has_perm("xingfu.view_my_offers"):
        return None
    from jiuzhu.xingfu.selectors import my_open_offers

    n = len(my_open_offers(user))
    return {"label": _("我的派单"), "text": _("待答复 %(n)s 单") % {"n": n}, "n": n,
            "url": reverse("xingfu:my_offers"), "testid": "work-offers"}


def _work_follow(user) -> dict | None:
    if not (user.is_outside and user.has_perm("contracts.follow")):
        return None
    from jiuzhu.contracts.selectors import follow_list

    n = follow_list(user, open_only=True).count()
    return {"label": _("委托调查跟踪"), "text": _("在办 %(n)s 件") % {"n": n}, "n": n,
            "url": reverse("contracts:follow"), "testid": "work-follow"}


def _work_investigations(user) -> dict | None:
    n = _investigations_waiting(user)
    if n is None:
        return None
    return {"label": _("我的调查"), "text": _("待入户调查 %(n)s 户") % {"n": n}, "n": n,
            "url": reverse("applications:my_investigations"), "testid": "work-investigations"}
