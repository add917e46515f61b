from django.db import models
from django.utils.translation import gettext_lazy as _


class InvestigationState(models.TextChoices):
    """A contracted home investigation, from the township's assignment to its settlement."""

    ASSIGNED = "assigned", _("已委托机构")
    INVESTIGATOR_ASSIGNED = "investigator_assigned", _("已指派调查员")
    REPORTED = "reported", _("已提交报告")
    RETURNED = "returned", _("已退回重做")
    ACCEPTED = "accepted", _("已验收")
    SETTLED = "settled", _("已结算")
    WITHDRAWN = "withdrawn", _("已收回")


#: The assignment is open (the organisation's users see the case) in these states.
OPEN_STATES = (InvestigationState.ASSIGNED, InvestigationState.INVESTIGATOR_ASSIGNED,
               InvestigationState.REPORTED, InvestigationState.RETURNED)


class FundingSource(models.TextChoices):
    BUDGET = "budget", _("财政预算")
    ASSISTANCE_FUND = "assistance_fund", _("社会救助资金")
    LOTTERY = "lottery", _("福利彩票公益金")
    OTHER = "other", _("其他")
