from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待复核")
    DONE = "done", _("已复核")


class Outcome(models.TextChoices):
    UNCHANGED = "unchanged", _("维持")
    INCREASE = "increase", _("增发")
    DECREASE = "decrease", _("减发")
    PHASE_OUT = "phase_out", _("渐退")
    STOP = "stop", _("停发")


class TipOffSource(models.TextChoices):
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    ONLINE = "online", _("网络")
    INSPECTION = "inspection", _("检查发现")
    OTHER = "other", _("其他")


class TipOffStatus(models.TextChoices):
    OPEN = "open", _("核查中")
    CLOSED = "closed", _("已结案")


class TipOffAction(models.TextChoices):
    """The actions on a tip-off, each with the document it produces."""

    RECORD = "record", _("举报核查记录（D19）")
    INTERVIEW = "interview", _("约谈通知（D20）")
    SUSPEND = "suspend", _("暂停发放（D22）")
    STATEMENT = "statement", _("陈述申辩告知（D23）")
    RECOVER = "recover", _("责令退还（D21）")
    CLOSE = "close", _("结案（D24）")


class Closure(models.TextChoices):
    NONE = "none", _("不改变待遇")
    RESUME = "resume", _("恢复发放")
    STOP = "stop", _("停发")
