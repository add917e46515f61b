from django.db import models
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙辈")
    GRANDPARENT = "grandparent", _("祖辈")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC_ILLNESS = "chronic_illness", _("慢性病")
    MILD_DISABILITY = "mild_disability", _("轻度残疾")
    MODERATE_DISABILITY = "moderate_disability", _("中度残疾")
    SERIOUS_ILLNESS = "serious_illness", _("重病")
    SEVERE_DISABILITY = "severe_disability", _("重度残疾")


class Occupation(models.TextChoices):
    FIXED_EMPLOYMENT = "fixed_employment", _("固定就业")
    CASUAL_WORK = "casual_work", _("灵活就业/打零工")
    FARMING = "farming", _("务农")
    STUDENT = "student", _("学生")
    RETIRED = "retired", _("退休")
    UNEMPLOYED = "unemployed", _("失业")
    NONE = "none", _("无职业")


class SchoolLevel(models.TextChoices):
    NONE = "none", _("无")
    PRESCHOOL = "preschool", _("学前")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("职业教育")
    UNIVERSITY = "university", _("大学")


class CareLevel(models.TextChoices):
    SELF_CARE = "self_care", _("生活自理")
    PARTIAL = "partial", _("部分自理")
    FULL = "full", _("完全不能自理")


class SupporterRelation(models.TextChoices):
    CHILD = "child", _("子女")
    OTHER = "other", _("其他")


class SupportExemption(models.TextChoices):
    ON_DIBAO = "on_dibao", _("享受低保")
    SERIOUS_ILLNESS_OR_SEVERE_DISABILITY = "serious_illness_or_severe_disability", _("重病或重度残疾")
    IN_PRISON = "in_prison", _("服刑")
    STUDENT = "student", _("在校学生")


class VehicleKind(models.TextChoices):
    CAR = "car", _("小汽车")
    MOTORCYCLE = "motorcycle", _("摩托车")
    FARM = "farm", _("农用车")
    DISABILITY = "disability", _("残疾人代步车")
    COMMERCIAL_LIVELIHOOD = "commercial_livelihood", _("营运谋生车辆")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    INACTIVE = "inactive", _("注销")


INCOME_KINDS = ("wages", "business", "property", "transfer", "pension")
EXPENDITURE_KINDS = ("medical", "education", "insurance_premiums", "other_rigid")
FLAG_NAMES = (
    "home_purchased_within_12m", "private_school_or_abroad", "refuses_verification",
    "false_information", "asset_transfer_or_split", "single_parent", "recent_hardship_event",
)
