from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    FenField,
    SealedQuerySet,
    with_index_fields,
)
from jiuzhu.regions.choices import AreaType

from .choices import (
    CareLevel,
    Health,
    HouseholdStatus,
    Occupation,
    Relation,
    SchoolLevel,
    SupporterRelation,
    SupportExemption,
    VehicleKind,
)
from .managers import LiveHouseholdManager, LiveMemberManager, staged_condition


class Household(models.Model):
    """A household (家庭) as registered for assistance; fields of household.schema.json."""

    household_id = models.CharField(_("家庭编号"), max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区划"),
                               on_delete=models.PROTECT, related_name="households")
    # The grid (网格) of the village the household lives in, when known: its grid worker
    # sees it. Not part of household.schema.json (its region code stops at the village).
    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="grid_households")
    # Copied from the grid, else the region, so that subtree filters need no join: the
    # household lies in the subtree of its township, its village and its grid.
    # indexed for prefix (LIKE) filters in Meta; equality and order by (region_path, number)
    region_path = models.CharField(max_length=128, editable=False)
    area_type = models.CharField(_("城乡类别"), max_length=8, choices=AreaType.choices)
    assessment_date = models.DateField(_("信息采集日期"))
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # SM4 at rest
    status = models.CharField(_("状态"), max_length=16, choices=HouseholdStatus.choices,
                              default=HouseholdStatus.ACTIVE)  # indexed in Meta
    head_name = models.CharField(_("户主姓名"), max_length=64, blank=True, db_index=True)
    member_count = models.PositiveSmallIntegerField(_("人口"), default=0)

    # 刚性支出 (annual)
    medical = FenField(_("医疗支出"), default=0)
    education = FenField(_("教育支出"), default=0)
    insurance_premiums = FenField(_("社会保险缴费"), default=0)
    other_rigid = FenField(_("其他刚性支出"), default=0)

    # 财产
    homes_owned = models.PositiveSmallIntegerField(_("自有住房套数"), default=0)
    housing_area_m2 = models.DecimalField(_("住房总面积(㎡)"), max_digits=9, decimal_places=2,
                                          default=0)
    dilapidated_housing = models.BooleanField(_("危房"), default=False)
    financial_assets = FenField(_("金融资产"), default=0)
    business_registration = models.BooleanField(_("有工商登记"), default=False)
    large_machinery_value = FenField(_("大型农机具价值"), default=0)
    livestock_sheep_units = models.DecimalField(_("牲畜(羊单位)"), max_digits=9,
                                                decimal_places=2, default=0)
    contracted_land_mu = models.DecimalField(_("承包地(亩)"), max_digits=9, decimal_places=2,
                                             default=0)
    commercial_insurance_premium_annual = FenField(_("商业保险年缴费"), default=0)
    debts = FenField(_("债务"), default=0)

    # 标记
    home_purchased_within_12m = models.BooleanField(_("12个月内购(建)房"), default=False)
    private_school_or_abroad = models.BooleanField(_("择校或出国留学"), default=False)
    refuses_verification = models.BooleanField(_("拒绝调查或核对"), default=False)
    false_information = models.BooleanField(_("提供虚假信息"), default=False)
    asset_transfer_or_split = models.BooleanField(_("转移财产或拆户"), default=False)
    single_parent = models.BooleanField(_("单亲家庭"), default=False)
    recent_hardship_event = models.BooleanField(_("近期遭遇变故"), default=False)

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    # The id of the Excel import (exchange.ImportJob) that wrote this household and has not
    # published it yet: a staged household is invisible (``objects``), see managers.py.
    staged_by = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # The history is read by household (id) and date only: the live table's search indexes
    # are not copied to it (each would be written again for every historical row, #15).
    history = HistoricalRecords(excluded_fields=["updated_at", "staged_by"], no_db_index=[
        "household_id", "head_name", "region_path", "status", "region", "grid", "created_by"])

    objects = LiveHouseholdManager()
    all_objects = VisibleQuerySet.as_manager()  # staged rows too: for the import only

    class Meta:
        ordering = ["household_id"]
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")
        # Each index is written again for every row an import stages and publishes (#15):
        # no index the others already give (region_path alone: the pair's first column;
        # LIKE on status: never).
        indexes = [models.Index(fields=["region_path", "household_id"]),
                   models.Index(fields=["region_path"], opclasses=["varchar_pattern_ops"],
                                name="household_region_path_like"),
                   models.Index(fields=["status"], name="household_status"),
                   models.Index(fields=["staged_by"], condition=staged_condition(),
                                name="household_staged")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.head_name}"


class Member(models.Model):
    """A member (家庭成员) of a household."""

    # indexed as the first column of (household, member_id), unique
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members",
                                  db_index=False)
    position = models.PositiveSmallIntegerField(default=0)
    member_id = models.CharField(_("成员编号"), max_length=40)
    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    # SM4 at rest; looked up (filter(id_number=…), __in) through its HMAC-SM3 blind index.
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blind_index="id_number_index")
    id_number_index = BlindIndexField(source="id_number", db_index=False)  # indexed in Meta
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    birth_date = models.DateField(_("出生日期"))
    health = models.CharField(_("健康状况"), max_length=24, choices=Health.choices)
    occupation = models.CharField(_("职业"), max_length=24, choices=Occupation.choices)
    in_school = models.BooleanField(_("在校"), default=False)
    school_level = models.CharField(_("学段"), max_length=16, choices=SchoolLevel.choices,
                                    default=SchoolLevel.NONE)
    public_servant = models.BooleanField(_("公职人员(在编)"), default=False)
    refused_job_offers = models.PositiveSmallIntegerField(_("拒绝推荐就业次数"), default=0)
    orphan_or_unsupported = models.BooleanField(_("孤儿或事实无人抚养"), default=False)
    care_level = models.CharField(_("自理能力"), max_length=16, choices=CareLevel.choices,
                                  blank=True, default="")
    wages = FenField(_("工资性收入"), default=0)
    business = FenField(_("经营性收入"), default=0)
    property = FenField(_("财产性收入"), default=0)
    transfer = FenField(_("转移性收入"), default=0)
    pension = FenField(_("养老金"), default=0)

    # as Household.staged_by: members are searched on their own (by ID number, by name)
    staged_by = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # read by household and date only (see Household.history)
    history = HistoricalRecords(excluded_fields=["staged_by"],
                                no_db_index=["name", "id_number_index"])
    # update()/bulk_update() and save(update_fields=…) write the blind index with the value.
    objects = LiveMemberManager()
    all_objects = SealedQuerySet.as_manager()  # staged rows too: for the import only

    class Meta:
        ordering = ["household", "position"]
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        indexes = [models.Index(fields=["id_number_index"], name="member_id_number_index"),
                   models.Index(fields=["staged_by"], condition=staged_condition(),
                                name="member_staged")]
        constraints = [
            models.UniqueConstraint(fields=["household", "member_id"], name="member_id_unique_in_household"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        kwargs["update_fields"] = with_index_fields(Member, kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class Supporter(models.Model):
    """A person liable for support (赡养/抚养/扶养义务人) living outside the household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="supporters")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("姓名"), max_length=64)
    relation = models.CharField(_("关系"), max_length=16, choices=SupporterRelation.choices,
                                blank=True, default="")
    annual_income = FenField(_("年收入"), default=0)
    supports = models.JSONField(_("赡养的成员"), default=list)
    exempt = models.CharField(_("免除原因"), max_length=48, choices=SupportExemption.choices,
                              blank=True, default="")
    large_assets = models.BooleanField(_("拥有大额财产"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "position"]
        verbose_name = _("赡养义务人")
        verbose_name_plural = _("赡养义务人")

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    """A vehicle (车辆) owned by the household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="vehicles")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("类型"), max_length=24, choices=VehicleKind.choices)
    value = FenField(_("价值"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "position"]
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class HouseholdFile(models.Model):
    """A scan or photo kept with the household's record (户口簿, 身份证, 收入证明 …):
    JPEG, PNG or PDF by content, stored unchanged with its SHA-256."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to="households/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["household", "uploaded_at", "pk"]
        verbose_name = _("家庭档案材料")
        verbose_name_plural = _("家庭档案材料")

    def __str__(self) -> str:
        return self.original_name
