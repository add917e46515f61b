"""Recipients' periodic self-confirmation (资格认证): a county's setting and the
confirmations the daily step opens for every recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import ReviewDecision, State


class RecertifySetting(models.Model):
    """A county's rule (资格认证设置): how often each review class confirms, how long after
    the due date a grid worker visits and when payment is then suspended."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("县（区）"))
    region_path = models.CharField(max_length=128, db_index=True)
    months_a = models.PositiveSmallIntegerField(_("A类认证周期（月）"), default=3)
    months_b = models.PositiveSmallIntegerField(_("B类认证周期（月）"), default=6)
    months_c = models.PositiveSmallIntegerField(_("C类认证周期（月）"), default=6)
    grace_days = models.PositiveSmallIntegerField(_("逾期派走访（天）"), default=15)
    suspend_after_days = models.PositiveSmallIntegerField(_("派走访后暂停发放（天）"),
                                                          default=30)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("修改人"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("资格认证设置")
        verbose_name_plural = _("资格认证设置")

    def __str__(self) -> str:
        return f"{self.county_id} A{self.months_a}/B{self.months_b}/C{self.months_c}"

    def months_for(self, review_class: str) -> int:
        return {"A": self.months_a, "C": self.months_c}.get(review_class, self.months_b)


class Confirmation(models.Model):
    """One period's confirmation of a recipient: the photo with the ID card, the location
    and the declared changes, then the township's check."""

    household = models.ForeignKey("households.Household", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("家庭"))
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("救助案件"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在村（社区）"))
    region_path = models.CharField(max_length=128, db_index=True)
    review_class = models.CharField(_("分类"), max_length=1)
    due_on = models.DateField(_("应认证日期"), db_index=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices,
                             default=State.DUE, db_index=True)
    submitted_at = models.DateTimeField(_("认证时间"), null=True, blank=True)
    photo = models.FileField(_("手持身份证照片"), upload_to="recertify/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=32, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    changed_members = models.BooleanField(_("家庭成员变化"), default=False)
    changed_income = models.BooleanField(_("收入变化"), default=False)
    changed_assets = models.BooleanField(_("财产变化"), default=False)
    changed_address = models.BooleanField(_("住址变化"), default=False)
    change_note = models.TextField(_("变化说明"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("核验人"))
    reviewed_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    outcome = models.CharField(_("核验结果"), max_length=16, choices=ReviewDecision.choices,
                               blank=True)
    review_note = models.TextField(_("核验意见"), blank=True)
    visit_task = models.ForeignKey("leads.VisitTask", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("走访任务"))
    suspended_on = models.DateField(_("暂停发放日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("资格认证")
        verbose_name_plural = _("资格认证")
        constraints = [
            models.UniqueConstraint(fields=["application", "due_on"],
                                    name="confirmation_one_per_period"),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(state__in=["due", "returned", "visit_assigned", "suspended"]),
                name="confirmation_one_open_per_case"),
        ]
        indexes = [models.Index(fields=["region_path", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.due_on}"

    @property
    def number(self) -> str:
        return f"RZ{self.pk:06d}" if self.pk else "RZ"

    @property
    def declared_changes(self) -> list[str]:
        from .choices import CHANGE_FIELDS

        return [str(label) for name, label in CHANGE_FIELDS if getattr(self, name)]
