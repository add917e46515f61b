from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionState(models.TextChoices):
    """A monthly exchange file (上报数据包): queued → building → produced (unchangeable), or
    failed (a check found a problem meanwhile, or the build broke) and asked again."""

    QUEUED = "queued", _("排队中")
    BUILDING = "building", _("生成中")
    PRODUCED = "produced", _("已生成")
    FAILED = "failed", _("未生成")


class CheckKind(models.TextChoices):
    """The checks run before a file is produced (60-monitoring.md §Upward reporting)."""

    ID_NUMBER = "id_number", _("身份证号码校验")
    TWO_HOUSEHOLDS = "two_households", _("同一人不在两个在册家庭")
    NO_DECISION = "no_decision", _("审批决定文书齐全")
    AMOUNT = "amount", _("金额与花名册一致")
    OUTSIDE_REGION = "outside_region", _("家庭在本区划范围内")


class LabourCapacity(models.TextChoices):
    FULL = "full", _("有劳动能力")
    PARTIAL = "partial", _("部分丧失劳动能力")
    NONE = "none", _("无劳动能力")
