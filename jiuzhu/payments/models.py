from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.fields import EncryptedCharField, FenField

from .choices import PayrollStatus


class BankAccount(models.Model):
    """The bank account (发放账户) a household's benefit is paid into."""

    household = models.OneToOneField("households.Household", on_delete=models.CASCADE,
                                     related_name="bank_account", verbose_name=_("家庭"))
    bank_name = models.CharField(_("开户行"), max_length=100)
    account_number = EncryptedCharField(_("账号"), max_length=32)  # SM4 at rest
    holder_name = models.CharField(_("户名"), max_length=64)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("发放账户")
        verbose_name_plural = _("发放账户")

    def __str__(self) -> str:
        return f"{self.holder_name} {self.bank_name}"


class Payroll(models.Model):
    """A township's monthly payroll list (发放花名册), kept as an Excel file with its SHA-256.

    It can be generated again while it is a draft; once confirmed it is final."""

    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("乡镇"))
    region_path = models.CharField(max_length=128, db_index=True)
    month = models.DateField(_("发放月份"))
    status = models.CharField(_("状态"), max_length=16, choices=PayrollStatus.choices,
                              default=PayrollStatus.DRAFT)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("生成人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    total = FenField(_("合计金额"), default=0)
    count = models.PositiveIntegerField(_("人（户）数"), default=0)
    file = models.FileField(_("花名册"), upload_to="payrolls/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "township__code"]
        verbose_name = _("发放花名册")
        verbose_name_plural = _("发放花名册")
        constraints = [models.UniqueConstraint(fields=["township", "month"],
                                               name="payroll_unique_township_month")]

    def __str__(self) -> str:
        return f"{self.township} {self.month:%Y-%m}"


class Payment(models.Model):
    """One month's benefit (保障金) paid on an application."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="payments", verbose_name=_("申请"))
    payroll = models.ForeignKey(Payroll, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="payments", verbose_name=_("花名册"))
    month = models.DateField(_("发放月份"))
    amount = FenField(_("金额"))
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("乡镇"))
    region_path = models.CharField(max_length=128, db_index=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["month", "id"]
        verbose_name = _("发放记录")
        verbose_name_plural = _("发放记录")
        constraints = [models.UniqueConstraint(fields=["application", "month"],
                                               name="payment_unique_application_month")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.month:%Y-%m} {self.amount}"
