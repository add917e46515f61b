"""The home page (工作台): the top floor, free to read any app below it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import render

from jiuzhu.households.selectors import households_visible_to
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
    })
