"""A parameter set a county enters (政策参数调整): new values of some of its parameters from
one effective date, with the legal reference, approved by a second person before the engine
uses them (``jiuzhu/rules/parameters.py`` overlays; the files stay the format)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import DraftSource, DraftState


class ParameterSetDraft(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("县级区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    effective_on = models.DateField(_("生效日期"))
    reference = models.CharField(_("文件名称及文号"), max_length=200)
    note = models.TextField(_("调整说明"), blank=True)
    #: parameter name → its new value as plain JSON (numbers as text, exactly as typed)
    values = models.JSONField(_("参数取值"), default=dict)
    #: parameter name → the value in force on the effective date before this set
    base = models.JSONField(_("调整前取值"), default=dict)
    state = models.CharField(_("状态"), max_length=16, choices=DraftState.choices,
                             default=DraftState.DRAFT)
    source = models.CharField(_("来源"), max_length=16, choices=DraftSource.choices,
                              default=DraftSource.FORM)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    reassessment = models.ForeignKey("assessments.BatchRun", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("重新核算"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = _("政策参数调整")
        verbose_name_plural = _("政策参数调整")

    def __str__(self) -> str:
        return f"{self.region.name} {self.effective_on.isoformat()} {self.reference}"
