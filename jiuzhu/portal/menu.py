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
    permission: str | tuple[str, ...] | None = None  # None: every signed-in user; a tuple: any
    more: bool = False  # under 更多
    href: str = ""  # a fixed address instead of url_name

    def opens_for(self, user: Any) -> bool:
        if self.permission is None:
            return True
        names = (self.permission,) if isinstance(self.permission, str) else self.permission
        return any(user.has_perm(name) for name in names)

    def url(self) -> str:
        if self.href:
            return self.href
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


MENU: tuple[Entry, ...] = (
    # the outside users' own work first (社工, 志愿者/服务商, 第三方调查, 爱心驿站): on their
    # phones, in the main bar (every entry of an outside user is, see ``menu``)
    Entry(_("我的社工个案"), "socialwork:mine", "socialwork.view_mine"),
    Entry(_("我的派单"), "xingfu:my_offers", "xingfu.view_my_offers"),
    Entry(_("我的积分"), "points:accounts", "points.view_own"),
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
    Entry(_("综合看板"), "monitoring:home", "monitoring.view_dashboard"),
    Entry(_("口袋书"), "catalogue:handbook"),
    Entry(_("审计日志"), "audit:list", "audit.view_auditevent"),
    Entry(_("网格与责任人"), "leads:grids", "leads.view_grids", more=True),
    Entry(_("困难程度排序"), "assessments:ranking", "assessments.view_ranking", more=True),
    Entry(_("大处方统计"), "assessments:prescription_report", "assessments.view_ranking", more=True),
    Entry(_("批量核算"), "assessments:batches", "assessments.run_batch", more=True),
    Entry(_("Excel 导入"), "exchange:import", "households.import_household", more=True),
    Entry(_("经济状况核对"), "verification:list", "verification.view_list", more=True),
    Entry(_("部门数据导入"), "verification:imports", "verification.import_source", more=True),
    Entry(_("发放名册"), "payments:payroll", "payments.view_payroll", more=True),
    Entry(_("救急难基金"), "funds:list", "funds.view", more=True),
    Entry(_("统计月报"), "monthly:report", "monthly.view", more=True),
    Entry(_("电子档案"), "archive:list", "archive.view", more=True),
    Entry(_("动态复核"), "supervision:reviews", "supervision.view_reviews", more=True),
    Entry(_("举报核查"), "supervision:tipoffs", "supervision.view_tipoffs", more=True),
    Entry(_("资格认证"), "recertify:list", "recertify.view_list", more=True),
    Entry(_("资格认证设置"), "recertify:settings", "recertify.view_settings", more=True),
    Entry(_("工作日历"), "calendars:month", more=True),
    Entry(_("政策清单管理"), "catalogue:admin", "catalogue.administer", more=True),
    Entry(_("政策参数"), "policy:index", "policy.view", more=True),
    Entry(_("材料设置"), "applications:material_settings",
          "applications.edit_material_settings", more=True),
    # social forces (#12): the staff's pages, the coordinator's follow-up, the keeper's station
    Entry(_("委托调查跟踪"), "contracts:follow", "contracts.follow", more=True),
    Entry(_("购买服务合同"), "contracts:list", "contracts.view", more=True),
    Entry(_("社工介入"), "socialwork:list", "socialwork.view_list", more=True),
    Entry(_("社工介入候选"), "socialwork:candidates", "socialwork.view_candidates", more=True),
    Entry(_("幸福云需求"), "xingfu:needs", "xingfu.view_needs", more=True),
    Entry(_("服务确认"), "xingfu:confirm", "xingfu.confirm", more=True),
    Entry(_("服务商"), "xingfu:providers", "xingfu.view_providers", more=True),
    Entry(_("爱心驿站"), "stations:list", "stations.view_list", more=True),
    Entry(_("积分账户"), "points:accounts", "points.view", more=True),
    Entry(_("爱心超市"), "points:supermarket", "points.view_supermarket", more=True),
    Entry(_("超市月报"), "points:statement", ("points.view", "points.view_supermarket"),
          more=True),
    Entry(_("数据上报"), "upward:index", "upward.view", more=True),
    Entry(_("接口文档"), "", more=True, href="/api/v1/docs"),
)


def entries_for(user: Any) -> list[Entry]:
    """The entries ``user`` may open, in menu order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [e for e in MENU if e.opens_for(user)]


def menu(request: Any) -> dict[str, Any]:
    """Context processor: ``menu_main`` and ``menu_more`` as (label, url) pairs. An outside
    user (社工, 志愿者, 第三方调查, 驿站) has a few entries: all in the main bar, none under 更多."""
    user = getattr(request, "user", None)
    entries = entries_for(user)
    outside = bool(getattr(user, "is_outside", False))
    pairs = [(e, e.url()) for e in entries]
    return {"menu_main": [(e.label, url) for e, url in pairs if (outside or not e.more) and url],
            "menu_more": [(e.label, url) for e, url in pairs if e.more and url and not outside]}
