"""Choices of social-worker cases (社工介入)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    BEFORE = "before", _("事前干预")
    DURING = "during", _("事中介入")
    AFTER = "after", _("事后追踪")


class Trigger(models.TextChoices):
    CIRCLE = "circle", _("第三、四圈家庭")
    HARDSHIP = "hardship", _("困难指数前10%未获救助")
    LEAD = "lead", _("线索")
    EMERGENCY = "emergency", _("伴随急难个案")
    APPLICATION = "application", _("伴随救助申请")
    AFTER_EMERGENCY = "after_emergency", _("急难救助后追踪")
    LEFT_DIBAO = "left_dibao", _("退出低保后追踪")


class CaseState(models.TextChoices):
    OPEN = "open", _("服务中")
    CLOSED = "closed", _("已结案")


class NeedKind(models.TextChoices):
    CARE = "care", _("生活照料")
    COUNSELLING = "counselling", _("心理疏导")
    EMPLOYMENT = "employment", _("就业能力")
    HEALTH = "health", _("医疗")
    EDUCATION = "education", _("教育")
    HOUSING = "housing", _("住房")
    LEGAL = "legal", _("法律")


class GoalOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("已达成")
    PARTLY = "partly", _("部分达成")
    NOT = "not", _("未达成")


class VisitKind(models.TextChoices):
    HOME = "home", _("入户")
    PHONE = "phone", _("电话")
    ESCORT = "escort", _("陪同")
    OTHER = "other", _("其他")


class ReferralTarget(models.TextChoices):
    DEPARTMENT = "department", _("部门")
    ORGANISATION = "organisation", _("社会组织")
    XINGFU = "xingfu", _("幸福云需求")


#: months after opening at which an after-care (事后追踪) case is visited
AFTER_CARE_MONTHS = (1, 3, 6)
#: days after emergency help is paid at which after-care opens
AFTER_HELP_DAYS = 30
#: staff who open and follow cases (window worker, township reviewer, supervisor, administrator)
STAFF_ROLES = ("window_worker", "township_reviewer", "supervisor", "administrator")
