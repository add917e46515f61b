from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.fields import FenField
from jiuzhu.rules.money import format_fen

from .choices import BatchStatus


class Assessment(models.Model):
    """A stored assessment (核算记录) of a registered household.

    It keeps the exact input (snapshot and SHA-256), the parameter date and rules version
    used and the whole result with its explanation, so any past figure can be reproduced.
    """

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE,
                                  related_name="assessments")
    program = models.CharField(_("项目"), max_length=16, default="dibao")
    assessment_date = models.DateField(_("核算日期"))
    parameters_effective = models.DateField(_("参数生效日期"))
    rules_version = models.CharField(_("规则版本"), max_length=40)
    input_hash = models.CharField(_("输入摘要"), max_length=64, db_index=True)
    input_snapshot = models.JSONField(_("输入快照"))
    result = models.JSONField(_("结果及解释"))
    eligible = models.BooleanField(_("符合低保条件"))
    benefit_monthly = FenField(_("月保障金"))
    per_capita_monthly_income = FenField(_("月人均收入"))
    circle = models.PositiveSmallIntegerField(_("信息圈"))
    hardship_index = models.DecimalField(_("困难指数"), max_digits=5, decimal_places=2)
    created_at = models.DateTimeField(_("核算时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("核算记录")
        verbose_name_plural = _("核算记录")

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessment_date}: {self.benefit_monthly}"


class Standing(models.Model):
    """The household's current result (当前核算结果), one row per household.

    Written by a single assessment and, in bulk, by batch re-assessment; the ranking and
    circle pages read only this table.
    """

    household = models.OneToOneField("households.Household", on_delete=models.CASCADE,
                                     primary_key=True, related_name="standing")
    region_path = models.CharField(max_length=128, db_index=True)
    assessment_date = models.DateField(_("核算日期"))
    parameters_effective = models.DateField(_("参数生效日期"))
    rules_version = models.CharField(_("规则版本"), max_length=40)
    eligible = models.BooleanField(_("符合低保条件"))
    benefit_fen = models.BigIntegerField(_("月保障金（分）"))
    per_capita_fen = models.BigIntegerField(_("月人均收入（分）"))
    circle = models.PositiveSmallIntegerField(_("信息圈"), db_index=True)
    index_hundredths = models.IntegerField(_("困难指数（×100）"))
    vetoes = models.IntegerField(_("否决项位图"), default=0)
    assessed_at = models.DateTimeField(_("核算时间"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("当前核算结果")
        verbose_name_plural = _("当前核算结果")
        indexes = [
            # "most difficult first": index descending, then P ascending, then household id
            models.Index(fields=["region_path", "-index_hundredths", "per_capita_fen"],
                         name="standing_ranking_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.index}"

    @property
    def per_capita_yuan(self) -> str:
        return format_fen(self.per_capita_fen)

    @property
    def benefit_yuan(self) -> str:
        return format_fen(self.benefit_fen)

    @property
    def index(self) -> str:
        return format_fen(self.index_hundredths)


class BatchRunQuerySet(VisibleQuerySet):
    path_fields = ("region__path",)


class BatchRun(models.Model):
    """A batch re-assessment (批量重新核算) of every household of a region.

    ``cursor`` is the last household primary key written, so a run whose worker died
    resumes where it stopped. A run over a province or a city is split by county: one
    part (a run with ``parent``) per county, each its own task, so several workers take
    them in parallel; the run's ``processed`` is the sum of its parts' (added in the same
    transaction as each part's chunk) and it is done when every part is. ``timings``:
    seconds spent per step (reading, building the arrays, the engine, writing), summed.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    assessment_date = models.DateField(_("核算日期"))
    status = models.CharField(_("状态"), max_length=16, choices=BatchStatus.choices,
                              default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(_("家庭总数"), default=0)
    processed = models.PositiveIntegerField(_("已核算"), default=0)
    cursor = models.BigIntegerField(default=0)
    chunk_size = models.PositiveIntegerField(default=20000)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="parts")
    timings = models.JSONField(default=dict, blank=True)

    objects = BatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("批量核算")
        verbose_name_plural = _("批量核算")

    def __str__(self) -> str:
        return f"#{self.pk} {self.region_id} {self.status}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)


class Monitoring(models.Model):
    """纳入监测: a household kept under watch (a green emergency case, a family found not
    eligible for now). While its own circle (``Standing.circle``, computed by the engine) is
    0 (圈外), a monitored household counts in information circle 4 (40-emergency-social.md:
    "enters information circle 4 if it is not in a circle"); a household in a circle stays in
    it. Re-assessment never touches this row, so the monitoring outlives it until ended."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE,
                                  related_name="monitorings", verbose_name=_("家庭"))
    region_path = models.CharField(max_length=128, db_index=True)
    reason = models.TextField(_("监测原因"))
    source = models.CharField(_("来源"), max_length=64, blank=True,
                              help_text=_("例如急难个案编号"))
    started_at = models.DateTimeField(_("纳入监测时间"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("纳入人"))
    ended_at = models.DateTimeField(_("结束监测时间"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("结束人"))
    end_reason = models.TextField(_("结束原因"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("纳入监测")
        verbose_name_plural = _("纳入监测")
        constraints = [models.UniqueConstraint(
            fields=["household"], condition=models.Q(ended_at__isnull=True),
            name="monitoring_one_open_per_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.started_at:%Y-%m-%d}"
