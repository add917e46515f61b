from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """What a calendar day (日历日) is: a plain weekday or weekend, or an official exception."""

    WEEKDAY = "weekday", _("工作日")
    WEEKEND = "weekend", _("周末休息日")
    HOLIDAY = "holiday", _("节假日")
    ADJUSTED_WORKDAY = "adjusted_workday", _("调休上班日")


# The kinds that are working days; the others are rest days.
WORKING_KINDS = frozenset({DayKind.WEEKDAY, DayKind.ADJUSTED_WORKDAY})
# The kinds allowed only on a Saturday or Sunday, and only on Monday to Friday.
WEEKEND_ONLY_KINDS = frozenset({DayKind.WEEKEND, DayKind.ADJUSTED_WORKDAY})
WEEKDAY_ONLY_KINDS = frozenset({DayKind.WEEKDAY})


class DaySource(models.TextChoices):
    """Where a day's status comes from."""

    CHINESE_CALENDAR = "chinese_calendar", _("国务院节假日安排（chinese_calendar）")
    # The rest of a year that had no official data when an administrator first edited a
    # day of it: plain weekdays and weekends, replaced when official data is seeded.
    RULE = "rule", _("按周末规则补齐")
    MANUAL = "manual", _("人工调整")


class AlertLevel(models.TextChoices):
    """Time-limit alert (时限预警) of a step or a case."""

    NONE = "none", _("正常")
    YELLOW = "yellow", _("黄色预警")
    RED = "red", _("红色预警（超时）")


ALERT_ORDER = {AlertLevel.NONE: 0, AlertLevel.YELLOW: 1, AlertLevel.RED: 2}

ADJUSTED_WORKDAY_NAME = "调休上班"


class FactKind(models.TextChoices):
    """What a processing-time fact (``StepFact``) is about."""

    APPLICATION = "application", _("申请审批")
    INTAKE_ITEM = "intake_item", _("一门受理事项")
    EMERGENCY = "emergency", _("急难个案")
