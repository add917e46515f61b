"""The home page (工作台): the top floor, free to read any app below it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.accounts.choices import Role
from jiuzhu.applications.choices import OPEN_STATES, State
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
    investigations = _investigations_waiting(request.user)
    return render(request, "portal/home.html", {
        "today": today_work(request.user, investigations=investigations),
        "totals": totals, "by_region": by_region, "subtree_size": subtree_size,
        "alerts": _alert_counts(request.user),
        "investigations": investigations,
        "emergency": _emergency(request.user),
        "dashboard_summary": _dashboard_summary(request.user),
    })


# --- 今日待办: what this user must do today, first --------------------------------------------
#
# One row per piece of work of the user's role: a count and the address of the list that
# shows exactly those rows (the count is read from the same selector, with the same filter,
# as that list: portal/tests/test_home_work.py follows every link and compares). A row is
# shown only to a role whose work it is and only when the user may open its list (never a
# link to a 403).

#: the application states a role acts on (the procedure's table: ``applications/workflow.py``)
STATE_WORK: dict[str, tuple[str, ...]] = {
    Role.WINDOW_WORKER: (State.SUBMITTED, State.AWAITING_SUPPLEMENT),
    Role.TOWNSHIP_REVIEWER: (State.ACCEPTED, State.APPRAISAL, State.OPINION, State.NOTICE),
    Role.VILLAGE_ASSISTANT: (State.APPRAISAL,),
    Role.COUNTY_APPROVER: (State.DECISION,),
}
#: what a row of an application state is called on the home page (the work, not the state)
STATE_LABELS: dict[str, Any] = {
    State.SUBMITTED: gettext_lazy("待受理申请"), State.AWAITING_SUPPLEMENT: gettext_lazy("待补正申请"),
    State.ACCEPTED: gettext_lazy("调查核对中"), State.APPRAISAL: gettext_lazy("待民主评议"),
    State.OPINION: gettext_lazy("待乡镇审核"), State.NOTICE: gettext_lazy("公示中"),
    State.DECISION: gettext_lazy("待审批"),
}
#: the other pieces of work of each role, in the order shown (after the application states)
ROLE_WORK: dict[str, tuple[str, ...]] = {
    Role.WINDOW_WORKER: ("queue", "recertify"),
    Role.INVESTIGATOR: ("investigations",),
    Role.VERIFICATION_OFFICER: ("verifications",),
    Role.VILLAGE_ASSISTANT: ("investigations", "visits", "leads"),
    Role.GRID_WORKER: ("visits", "investigations", "leads"),
    Role.TOWNSHIP_REVIEWER: ("reviews", "recertify"),
    Role.DEPARTMENT_OFFICER: ("inbox",),
    Role.SUPERVISOR: ("overdue_applications", "overdue_items", "reviews"),
    Role.COUNTY_APPROVER: ("second_approvals",),
}
SUPERUSER_WORK = ROLE_WORK[Role.SUPERVISOR]


def _url(name: str, **query: str) -> str:
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def today_work(user, *, investigations: int | None = None) -> list[dict[str, Any]]:
    """今日待办 of ``user``: ``[{key, label, n, url, testid, colours, note}]`` — ``n`` the
    rows of the list at ``url``; ``colours`` (red and yellow, each with the address of the
    list filtered by that colour) where the list filters by colour."""
    role = str(getattr(user, "role", "") or "")
    states = STATE_WORK.get(role, ())
    keys = SUPERUSER_WORK if user.is_superuser else ROLE_WORK.get(role, ())
    rows: list[dict[str, Any]] = []
    if states and user.has_perm("applications.view_list"):
        rows.extend(_state_rows(user, states))
    for key in keys:
        row = _WORK[key](user, investigations)
        if row is not None:
            rows.append(row)
    return rows


def _state_rows(user, states: tuple[str, ...]) -> list[dict[str, Any]]:
    """The user's cases in each state they act on, with today's red and yellow among them
    (申请办理 filtered by ``state`` and ``alert``: one query for all states)."""
    from jiuzhu.applications.selectors import applications_visible_to

    counted = {(row["state"], row["alert"]): row["n"] for row in
               applications_visible_to(user).select_related(None).with_alert()
               .filter(state__in=states).values("state", "alert").annotate(n=Count("pk"))}
    rows = []
    for state in states:
        n = sum(v for (s, _a), v in counted.items() if s == state)
        colours = [{"level": level, "label": label, "n": counted.get((state, level), 0),
                    "url": _url("applications:list", state=state, alert=level)}
                   for level, label in (("red", _("红色预警")), ("yellow", _("黄色预警")))]
        rows.append({"key": f"state-{state}", "label": STATE_LABELS[state], "n": n,
                     "url": _url("applications:list", state=state),
                     "testid": f"work-state-{state}", "colours": [c for c in colours if c["n"]],
                     "note": ""})
    return rows


def _row(key: str, label: Any, n: int, url: str, note: str = "") -> dict[str, Any]:
    return {"key": key, "label": label, "n": n, "url": url, "testid": f"work-{key}",
            "colours": [], "note": note}


def _today_queue(user, _investigations) -> dict[str, Any] | None:
    """窗口待办: online requests waiting for the window, then the township's open requests."""
    if not user.has_perm("intake.view_queue"):
        return None
    from jiuzhu.intake.choices import RequestStatus
    from jiuzhu.intake.selectors import window_queue

    counted = dict(window_queue(user).order_by().values_list("status").annotate(n=Count("pk")))
    waiting = counted.get(RequestStatus.AWAITING_WINDOW, 0)
    note = _("其中网上申报待受理 %(n)s 件") % {"n": waiting} if waiting else ""
    return _row("queue", _("窗口待办"), sum(counted.values()), reverse("intake:queue"), note)


def _today_investigations(user, investigations) -> dict[str, Any] | None:
    """我的调查: the assigned home investigations waiting (the list's first part)."""
    if investigations is None:
        return None
    row = _row("investigations", _("我的调查"), investigations,
               reverse("applications:my_investigations"))
    row["testid"] = "my-investigations"
    return row


def _today_second_approvals(user, _investigations) -> dict[str, Any] | None:
    """四眼原则: first approvals waiting for this approver's confirmation (none: no row)."""
    if not user.has_perm("applications.view_list"):
        return None
    from jiuzhu.applications.selectors import applications_visible_to, awaiting_second_approval

    n = awaiting_second_approval(applications_visible_to(user).select_related(None), user).count()
    if not n:
        return None
    return _row("second_approvals", _("待第二审批人确认"), n,
                _url("applications:list", state=State.DECISION, second="1"))


def _today_visits(user, _investigations) -> dict[str, Any] | None:
    """走访任务: the open visits assigned to the user."""
    if not user.has_perm("leads.view_my_tasks"):
        return None
    from jiuzhu.leads.selectors import my_open_tasks

    return _row("visits", _("走访任务"), my_open_tasks(user=user).count(),
                reverse("leads:my_tasks"))


def _today_leads(user, _investigations) -> dict[str, Any] | None:
    """线索 not yet taken up (待转化) in the user's grid or village."""
    if not user.has_perm("leads.view_list"):
        return None
    from jiuzhu.leads.choices import LeadStatus
    from jiuzhu.leads.selectors import lead_search

    return _row("leads", _("待转化线索"), lead_search(user=user, status=LeadStatus.NEW).count(),
                _url("leads:list", status=LeadStatus.NEW))


def _today_reviews(user, _investigations) -> dict[str, Any] | None:
    """动态复核: the open review tasks of the user's region."""
    if not user.has_perm("supervision.view_reviews"):
        return None
    from jiuzhu.supervision.selectors import review_tasks_open

    tasks = review_tasks_open(user=user)
    overdue = tasks.filter(due_on__lt=timezone.localdate()).count()
    note = _("其中已超期 %(n)s 件") % {"n": overdue} if overdue else ""
    return _row("reviews", _("复核任务"), tasks.count(), reverse("supervision:reviews"), note)


def _today_verifications(user, _investigations) -> dict[str, Any] | None:
    """经济状况核对: the requests not queried yet (待查询) of the user's region."""
    if not user.has_perm("verification.view_list"):
        return None
    from jiuzhu.verification.choices import RequestStatus
    from jiuzhu.verification.selectors import verification_request_search

    pending = verification_request_search(user=user, q="", status=RequestStatus.PENDING)
    return _row("verifications", _("待核对家庭"), pending.order_by().count(),
                _url("verification:list", status=RequestStatus.PENDING))


def _today_inbox(user, _investigations) -> dict[str, Any] | None:
    """部门收件箱: the open items of the officer's department, urged ones noted."""
    if not user.has_perm("intake.view_inbox"):
        return None
    from jiuzhu.intake.selectors import officer_inbox

    inbox = officer_inbox(user).order_by()
    urged = inbox.filter(urges__acknowledged_at__isnull=True, urges__isnull=False) \
        .values("pk").distinct().count()
    note = _("其中督办未签收 %(n)s 件") % {"n": urged} if urged else ""
    return _row("inbox", _("部门收件箱"), inbox.count(), reverse("intake:inbox"), note)


def _today_overdue_applications(user, _investigations) -> dict[str, Any] | None:
    """超时通报: the region's red cases (the page's first table)."""
    if not user.has_perm("applications.view_overdue"):
        return None
    from jiuzhu.applications.selectors import overdue

    return _row("overdue_applications", _("超时申请"), overdue(user=user).order_by().count(),
                reverse("applications:overdue"))


def _today_overdue_items(user, _investigations) -> dict[str, Any] | None:
    """跟踪督办: the region's department items with a red or yellow alert; noted: the red
    ones and those urged whose department has not acknowledged the urging yet."""
    if not user.has_perm("intake.view_overdue"):
        return None
    from jiuzhu.intake.selectors import overdue_items

    items = overdue_items(user).order_by()
    counted = items.aggregate(n=Count("pk"), red=Count("pk", filter=Q(alert="red")))
    red = counted["red"]
    urged = items.filter(urges__isnull=False, urges__acknowledged_at__isnull=True) \
        .values("pk").distinct().count()
    notes = [_("红色预警 %(n)s 件") % {"n": red} if red else "",
             _("督办未签收 %(n)s 件") % {"n": urged} if urged else ""]
    note = "，".join(n for n in notes if n)
    return _row("overdue_items", _("督办事项"), counted["n"], reverse("intake:overdue"), note)


def _today_recertify(user, _investigations) -> dict[str, Any] | None:
    """资格认证: declared changes waiting for the township's review (none: no row)."""
    if not user.has_perm("recertify.review"):
        return None
    from jiuzhu.recertify.selectors import changes_waiting

    n = changes_waiting(user).count()
    if not n:
        return None
    return _row("recertify", _("资格认证变化待审核"), n,
                _url("recertify:list", state="change_declared"))


_WORK = {"second_approvals": _today_second_approvals, "queue": _today_queue, "investigations": _today_investigations, "visits": _today_visits,
         "leads": _today_leads, "reviews": _today_reviews, "inbox": _today_inbox,
         "verifications": _today_verifications,
         "overdue_applications": _today_overdue_applications,
         "overdue_items": _today_overdue_items, "recertify": _today_recertify}


def _dashboard_summary(user) -> dict[str, Any] | None:
    """The region's headline figures (``monitoring.selectors.summary``), or None while the
    dashboard is not installed: the home page then shows no summary."""
    try:
        from django.template.loader import get_template

        from jiuzhu.monitoring.selectors import summary

        get_template("monitoring/_summary.html")
    except Exception:  # noqa: BLE001 - no dashboard yet: the home page works without it
        return None
    return summary(user) or None


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
