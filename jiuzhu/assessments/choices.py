from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


CIRCLE_LABELS = {
    1: _("第一圈（低保）"),
    2: _("第二圈（低收入）"),
    3: _("第三圈"),
    4: _("第四圈"),
    0: _("圈外"),
}

#: The circle a monitored household (纳入监测) outside every circle counts in.
MONITORING_CIRCLE = 4

#: The monitoring circle (监测信息圈, 碑林): what the household receives first, then the
#: calculation (``selectors.with_monitoring_circle``). 0 = outside every circle; a vetoed
#: household (否决) is listed apart, in no circle.
MONITORING_CIRCLE_LABELS = {
    1: _("第一圈（低保、特困）"),
    2: _("第二圈（低收入）"),
    3: _("第三圈"),
    4: _("第四圈"),
    0: _("圈外"),
}
VETOED = "vetoed"
#: ``monitoring_code`` of a vetoed household (``selectors.with_monitoring_circle``)
VETOED_CODE = 9
VETOED_LABEL = _("否决（资产或行为）")
#: Programme codes (50-api.md) by the circle their receipt puts a household in.
CIRCLE_1_PROGRAMMES = ("urban_dibao", "rural_dibao", "tekun")
CIRCLE_2_PROGRAMMES = ("low_income",)
