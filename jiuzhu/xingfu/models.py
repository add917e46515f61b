"""幸福云 (40-emergency-social.md §5): providers, needs posted for a family, the offers
matching makes, and the order the first provider to accept gets (exactly once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import NeedState, OfferAnswer, ProviderKind, Skill


class Provider(models.Model):
    """A service provider: a company, a volunteer (a user of role provider) or an
    organisation, with its skills, the regions it serves, a location and weekly hours."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=ProviderKind.choices)
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="providers",
                                     verbose_name=_("所属机构"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="provider",
                                verbose_name=_("账号"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    regions_served = models.ManyToManyField("regions.Region", related_name="+",
                                            verbose_name=_("服务区域"))
    skills = models.JSONField(_("服务技能"), default=list,
                              help_text="skill codes, e.g. [\"meals\", \"cleaning\"]")
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    availability = models.JSONField(
        _("每周可服务时间"), default=dict, blank=True,
        help_text='weekday (0 = Monday) → ranges, e.g. {"0": [["08:00", "12:00"]]}')
    rating = models.DecimalField(_("评分"), max_digits=3, decimal_places=2, default=0)
    ratings = models.PositiveIntegerField(_("评价次数"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("服务商")
        verbose_name_plural = _("服务商")

    def __str__(self) -> str:
        return self.name

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels.get(s, s)) for s in self.skills]


class ServiceNeed(models.Model):
    """A need (服务需求) posted for a family; published to providers with the village only."""

    household = models.ForeignKey("households.Household", on_delete=models.PROTECT,
                                  related_name="service_needs", verbose_name=_("家庭"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    skill = models.CharField(_("服务项目"), max_length=16, choices=Skill.choices)
    description = models.TextField(_("需求说明"))
    starts_at = models.DateTimeField(_("服务开始时间"))
    ends_at = models.DateTimeField(_("服务结束时间"))
    address = models.CharField(_("服务地址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    station = models.ForeignKey("stations.LoveStation", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="service_needs",
                                verbose_name=_("发布的爱心驿站"))
    # the social-work case the need was posted from (by its social worker)
    social_case = models.ForeignKey("socialwork.SocialCase", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="service_needs",
                                    verbose_name=_("社工个案"))
    state = models.CharField(_("状态"), max_length=16, choices=NeedState.choices,
                             default=NeedState.DRAFT, db_index=True)
    round = models.PositiveSmallIntegerField(_("派单轮次"), default=0)
    note = models.TextField(_("说明"), blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("发布人"))
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("服务需求")
        verbose_name_plural = _("服务需求")
        indexes = [models.Index(fields=["region_path", "state"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"FW{self.pk:06d}" if self.pk else "FW"


class Offer(models.Model):
    """A need offered to one provider in one round, open 24 hours."""

    need = models.ForeignKey(ServiceNeed, on_delete=models.CASCADE, related_name="offers",
                             verbose_name=_("服务需求"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers",
                                 verbose_name=_("服务商"))
    region_path = models.CharField(max_length=128, db_index=True)
    round = models.PositiveSmallIntegerField(_("轮次"))
    rank = models.PositiveSmallIntegerField(_("排名"))
    reason = models.CharField(_("匹配理由"), max_length=300, blank=True)
    offered_at = models.DateTimeField(_("派单时间"))
    expires_at = models.DateTimeField(_("答复截止"))
    answer = models.CharField(_("答复"), max_length=16, choices=OfferAnswer.choices,
                              default=OfferAnswer.PENDING)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["need_id", "round", "rank"]
        verbose_name = _("派单")
        verbose_name_plural = _("派单")
        constraints = [models.UniqueConstraint(fields=["need", "provider"],
                                               name="xingfu_offer_once_per_provider")]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.provider_id}"


class Order(models.Model):
    """The order (服务工单) of a need: one per need, to the first provider who accepted."""

    need = models.OneToOneField(ServiceNeed, on_delete=models.CASCADE, related_name="order",
                                verbose_name=_("服务需求"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("服务商"))
    region_path = models.CharField(max_length=128, db_index=True)
    accepted_at = models.DateTimeField(_("接单时间"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    check_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                             blank=True)
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_out_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                             blank=True)
    check_out_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                              blank=True)
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("确认人"))
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    comment = models.CharField(_("评价"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("积分"), default=0)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("服务工单")
        verbose_name_plural = _("服务工单")
        constraints = [models.CheckConstraint(
            condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
            name="xingfu_order_rating_1_5")]

    def __str__(self) -> str:
        return f"GD{self.pk:06d}" if self.pk else "GD"

    @property
    def number(self) -> str:
        return str(self)

    @property
    def half_hours(self) -> int:
        """Service time counted in whole half hours (30 minutes each, rounded down)."""
        return (self.minutes or 0) // 30


class NeedStep(models.Model):
    """One step on a need, with who and when (the audit log has it too)."""

    need = models.ForeignKey(ServiceNeed, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("动作"), max_length=16)
    before = models.CharField(max_length=16, blank=True)
    after = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("服务需求办理记录")
        verbose_name_plural = _("服务需求办理记录")

    def __str__(self) -> str:
        return f"{self.need_id} {self.action}"
