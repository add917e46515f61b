"""The home page (工作台): the top floor, free to read any app below it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render

from jiuzhu.applications.choices import OPEN_STATES
from jiuzhu.applications.models import Application
from jiuzhu.households.selectors import households_visible_to
from jiuzhu.intake.choices import OPEN_ITEM_STATES
from jiuzhu.intake.models import RequestItem
from jiuzhu.regions.selectors import region_subtree


@login_required
def home(request):
    """工作台: what is in the user's region at a glance."""
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
