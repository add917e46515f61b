"""The menu (导航): every entry names the permission its page asks, so a user is shown only
what they may open — the same predicate the view checks (``jiuzhu/*/rules.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    label: Any
    url_name: str
    permission: str | None = None  # None: every signed-in staff member
    more: bool = False  # under 更多
    href: str = ""  # a fixed address instead of url_name

    def url(self) -> str:
        if self.href:
            return self.href
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


MENU: tuple[Entry, ...] = (
    Entry(_("部门收件箱"), "intake:inbox", "intake.view_inbox"),
    Entry(_("一门受理"), "intake:queue", "intake.view_queue"),
    Entry(_("急难值班"), "emergency:duty", "emergency.view_duty"),
    Entry(_("走访任务"), "leads:my_tasks", "leads.view_my_tasks"),
    Entry(_("我的调查"), "applications:my_investigations", "applications.view_my_investigations"),
    Entry(_("家庭档案"), "households:list", "households.view_list"),
    Entry(_("申请办理"), "applications:list", "applications.view_list"),
    Entry(_("线索"), "leads:list", "leads.view_list"),
    Entry(_("急难个案"), "emergency:list", "emergency.view_list"),
    Entry(_("跟踪督办"), "intake:overdue", "intake.view_overdue"),
    Entry(_("超时通报"), "applications:overdue", "applications.view_overdue"),
    Entry(_("口袋书"), "catalogue:handbook"),
    Entry(_("审计日志"), "audit:list", "audit.view_auditevent"),
    Entry(_("网格与责任人"), "leads:grids", "leads.view_grids", more=True),
    Entry(_("困难程度排序"), "assessments:ranking", "assessments.view_ranking", more=True),
    Entry(_("批量核算"), "assessments:batches", "assessments.run_batch", more=True),
    Entry(_("Excel 导入"), "exchange:import", "households.import_household", more=True),
    Entry(_("经济状况核对"), "verification:list", "verification.view_list", more=True),
    Entry(_("部门数据导入"), "verification:imports", "verification.import_source", more=True),
    Entry(_("发放名册"), "payments:payroll", "payments.view_payroll", more=True),
    Entry(_("救急难基金"), "funds:list", "funds.view", more=True),
    Entry(_("动态复核"), "supervision:reviews", "supervision.view_reviews", more=True),
    Entry(_("举报核查"), "supervision:tipoffs", "supervision.view_tipoffs", more=True),
    Entry(_("工作日历"), "calendars:month", more=True),
    Entry(_("政策清单管理"), "catalogue:admin", "catalogue.administer", more=True),
    Entry(_("材料设置"), "applications:material_settings",
          "applications.edit_material_settings", more=True),
    Entry(_("接口文档"), "", more=True, href="/api/v1/docs"),
)


def entries_for(user: Any) -> list[Entry]:
    """The entries ``user`` may open, in menu order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [e for e in MENU if e.permission is None or user.has_perm(e.permission)]


def menu(request: Any) -> dict[str, Any]:
    """Context processor: ``menu_main`` and ``menu_more`` as (label, url) pairs."""
    entries = entries_for(getattr(request, "user", None))
    pairs = [(e, e.url()) for e in entries]
    return {"menu_main": [(e.label, url) for e, url in pairs if not e.more and url],
            "menu_more": [(e.label, url) for e, url in pairs if e.more and url]}
