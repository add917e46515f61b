from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import HOUSEHOLD_EDITORS, Role


class LeadSource(models.TextChoices):
    """Where a lead (线索) comes from."""

    HOTLINE = "hotline", _("热线")
    LOVE_STATION = "love_station", _("爱心驿站")
    GRID_WORKER = "grid_worker", _("网格员发现")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("较急")
    CRITICAL = "critical", _("紧急")


class LeadStatus(models.TextChoices):
    NEW = "new", _("待转化")
    VISITING = "visiting", _("走访中")
    CLOSED = "closed", _("已办结")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待走访")
    DONE = "done", _("已走访")
    CANCELLED = "cancelled", _("已撤销")


class Outcome(models.TextChoices):
    """The outcome (走访结果) that a visit task and a lead are closed with."""

    APPLIED = "applied", _("已引导申请")
    ALREADY_ASSISTED = "already_assisted", _("已在保障")
    NOT_ELIGIBLE = "not_eligible", _("暂不符合（纳入监测）")
    UNREACHABLE = "unreachable", _("无法联系（需再访）")
    REFERRED = "referred", _("转其他部门")


class LeadAction(models.TextChoices):
    RECORD = "record", _("登记线索")
    CONVERT = "convert", _("转为家庭档案和走访任务")
    VISIT = "visit", _("走访")
    REVISIT = "revisit", _("再次走访任务")
    CLOSE = "close", _("办结")


# Working days a visit task has (走访时限), by the lead's urgency: a critical lead (断炊, 无处
#居住 …) is visited the next working day, an urgent one within two, any other within three.
VISIT_LIMIT_DAYS = 3
VISIT_LIMITS: dict[str, int] = {Urgency.NORMAL: VISIT_LIMIT_DAYS, Urgency.URGENT: 2,
                                Urgency.CRITICAL: 1}


def visit_limit_days(urgency: str) -> int:
    """The working days a visit task of a lead of ``urgency`` has (3 for an unknown one)."""
    return VISIT_LIMITS.get(urgency, VISIT_LIMIT_DAYS)


# Who may record a lead: window workers (the hotline operator too), supervisors, grid
# workers, village assistants and administrators.
LEAD_RECORDERS = frozenset({Role.WINDOW_WORKER, Role.SUPERVISOR, Role.GRID_WORKER,
                            Role.VILLAGE_ASSISTANT, Role.ADMINISTRATOR})
# Converting registers a household: the roles that may register households at a village,
# except grid workers (their region is usually a grid, below the household's village).
LEAD_CONVERTERS = HOUSEHOLD_EDITORS - {Role.GRID_WORKER}
# Who may record a visit for someone else (the assignee always may), or close a lead.
VISIT_RECORDERS = frozenset({Role.WINDOW_WORKER, Role.VILLAGE_ASSISTANT, Role.ADMINISTRATOR})
LEAD_CLOSERS = frozenset({Role.WINDOW_WORKER, Role.SUPERVISOR, Role.ADMINISTRATOR})
# Who manages the responsible workers of grids (责任田).
GRID_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER,
                           Role.SUPERVISOR})
