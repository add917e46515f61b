from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    AWAITING_WINDOW = "awaiting_window", _("待窗口受理")
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class Mode(models.TextChoices):
    INTERNAL = "internal", _("平台办理")
    TRANSFER = "transfer", _("转办")
    COHANDLE = "cohandle", _("协办")


class ItemState(models.TextChoices):
    INTERNAL = "internal", _("平台办理中")
    TRANSFERRED = "transferred", _("已转办")
    ACCEPTED = "accepted", _("部门已受理")
    MORE_REQUESTED = "more_requested", _("待补充材料")
    RESUBMITTED = "resubmitted", _("已补充材料")
    FINISHED = "finished", _("已办结")
    RETURNED = "returned", _("已退回")


OPEN_ITEM_STATES = (ItemState.TRANSFERRED, ItemState.ACCEPTED, ItemState.MORE_REQUESTED,
                    ItemState.RESUBMITTED)


class Result(models.TextChoices):
    GRANTED = "granted", _("予以救助")
    NOT_GRANTED = "not_granted", _("不予救助")


class Alert(models.TextChoices):
    NONE = "none", _("正常")
    YELLOW = "yellow", _("黄色预警")
    RED = "red", _("红色预警")
