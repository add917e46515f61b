from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Where an item is decided (办理层级)."""

    TOWNSHIP = "township", _("乡镇（街道）")
    COUNTY = "county", _("县级")


class Program(models.TextChoices):
    """Rules programmes the platform assesses itself (30-intake.md, 15-programs.md)."""

    DIBAO = "dibao", _("最低生活保障")
    LOW_INCOME = "low_income", _("低保边缘家庭")
    TEKUN = "tekun", _("特困人员")
    RIGID_EXPENSE = "rigid_expense", _("刚性支出困难家庭")
    TEMPORARY = "temporary", _("临时救助")
    EMERGENCY = "emergency", _("急难型临时救助")
