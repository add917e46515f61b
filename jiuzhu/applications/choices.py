from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """States of the dibao procedure (20-workflow.md)."""

    SUBMITTED = "submitted", _("已申请")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("待补正")
    REJECTED = "rejected", _("不予受理")
    ACCEPTED = "accepted", _("已受理（调查核对中）")
    APPRAISAL = "appraisal", _("民主评议")
    OPINION = "opinion", _("乡镇审核")
    NOTICE = "notice", _("公示中")
    DECISION = "decision", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")
    WITHDRAWN = "withdrawn", _("已撤回")
    IN_PAYMENT = "in_payment", _("发放中")
    SUSPENDED = "suspended", _("暂停发放")
    STOPPED = "stopped", _("停发")


OPEN_STATES = (State.SUBMITTED, State.AWAITING_SUPPLEMENT, State.ACCEPTED, State.APPRAISAL,
               State.OPINION, State.NOTICE, State.DECISION)
BEFORE_DECISION = (State.SUBMITTED, State.AWAITING_SUPPLEMENT, State.ACCEPTED, State.APPRAISAL,
                   State.OPINION, State.NOTICE)


class Channel(models.TextChoices):
    WINDOW = "window", _("坐诊（窗口）")
    OUTREACH = "outreach", _("出诊（上门）")
    PROXY = "proxy", _("代办")
    ACCOMPANIED = "accompanied", _("陪办")
    ONLINE = "online", _("网上办")


class Alert(models.TextChoices):
    NONE = "none", _("正常")
    YELLOW = "yellow", _("黄色预警")
    RED = "red", _("红色预警")


class Step(models.TextChoices):
    """The step whose time limit is running (for due dates and alerts)."""

    ACCEPTANCE = "acceptance", _("受理")
    SUPPLEMENT = "supplement", _("补正")
    INVESTIGATION = "investigation", _("调查核对")
    APPRAISAL = "appraisal", _("民主评议")
    OPINION = "opinion", _("乡镇审核")
    NOTICE = "notice", _("公示")
    DECISION = "decision", _("审批")
    NONE = "none", _("无")


class ReviewClass(models.TextChoices):
    A = "A", _("A类（每年复核）")
    B = "B", _("B类（每半年复核）")
    C = "C", _("C类（每季度/半年复核）")
