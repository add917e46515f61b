"""Choices of the emergency cases (急难个案): where a case comes from, its cause, level,
state, response, and the roles that may take each step."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role


class Source(models.TextChoices):
    """Who found the emergency (发现渠道)."""

    WINDOW = "window", _("窗口")
    GRID_WORKER = "grid_worker", _("网格员")
    VILLAGE_ASSISTANT = "village_assistant", _("村居协理员")
    HOTLINE = "hotline", _("热线")
    LOVE_STATION = "love_station", _("爱心驿站")
    LEAD = "lead", _("线索")


class Cause(models.TextChoices):
    """What happened (致困原因, 40-emergency-social.md §1)."""

    ILLNESS = "illness", _("疾病")
    ACCIDENT = "accident", _("意外伤害")
    FIRE = "fire", _("火灾")
    DISASTER = "disaster", _("自然灾害")
    EARNER_LOST = "earner_lost", _("主要劳动力死亡失踪或丧失劳动能力")
    NO_SUBSISTENCE = "no_subsistence", _("断粮断炊")
    HOMELESS = "homeless", _("无处居住")
    OTHER = "other", _("其他")


class Level(models.TextChoices):
    """The four colours of the response (四色响应), most urgent first."""

    RED = "red", _("红色")
    YELLOW = "yellow", _("黄色")
    BLUE = "blue", _("蓝色")
    GREEN = "green", _("绿色")


#: red → green, for sorting a duty list
LEVEL_RANK = {Level.RED: 0, Level.YELLOW: 1, Level.BLUE: 2, Level.GREEN: 3}


class CaseState(models.TextChoices):
    OPEN = "open", _("待响应")
    AWAITING_COUNTY = "awaiting_county", _("待县级审批")
    APPROVED = "approved", _("已批准待发放")
    HELPED = "helped", _("已先行救助待补手续")
    IN_PROCEDURE = "in_procedure", _("已转常规程序")
    REFERRED = "referred", _("已转介")
    MONITORING = "monitoring", _("纳入监测")
    CLOSED = "closed", _("已办结")


#: states in which the case is still being worked on (the duty list)
OPEN_STATES = (CaseState.OPEN, CaseState.AWAITING_COUNTY, CaseState.APPROVED,
               CaseState.HELPED, CaseState.IN_PROCEDURE, CaseState.REFERRED,
               CaseState.MONITORING)


class Response(models.TextChoices):
    """The first recorded response (首次响应) that stops the response clock."""

    PAID = "paid", _("已先行救助")
    PROCEDURE = "procedure", _("已转常规程序")
    REFERRAL = "referral", _("已转介")
    NO_HELP = "no_help", _("决定不予救助")
    MONITORING = "monitoring", _("纳入监测")


class Alert(models.TextChoices):
    NONE = "none", _("正常")
    YELLOW = "yellow", _("黄色预警")
    RED = "red", _("红色预警")


class HelpMethod(models.TextChoices):
    BANK = "bank", _("银行转账")
    CASH = "cash", _("现金")
    GOODS = "goods", _("实物")


class ApprovalLevel(models.TextChoices):
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县级")


class HelpState(models.TextChoices):
    AWAITING_COUNTY = "awaiting_county", _("待县级审批")
    APPROVED = "approved", _("已批准")
    PAID = "paid", _("已发放")
    RELEASED = "released", _("已撤销")


class ReferralTarget(models.TextChoices):
    DEPARTMENT = "department", _("部门")
    ORGANISATION = "organisation", _("服务机构")


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("办理中")
    DONE = "done", _("已办结")
    REFUSED = "refused", _("已拒绝")
    NO_ANSWER = "no_answer", _("逾期未答复")


#: Working days a referred department or organisation has to answer.
REFERRAL_WORKING_DAYS = 10

# Who may take which step (the predicates of rules.py use these).
OPENERS = frozenset({Role.WINDOW_WORKER, Role.GRID_WORKER, Role.VILLAGE_ASSISTANT,
                     Role.TOWNSHIP_REVIEWER, Role.ADMINISTRATOR})
REASSESSORS = OPENERS
HANDLERS = frozenset({Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.ADMINISTRATOR})
APPROVERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
COUNTY = frozenset({Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
PAYERS = HANDLERS
DECIDERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.ADMINISTRATOR})
