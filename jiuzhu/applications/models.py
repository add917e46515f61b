from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuzhu.calendars.alerts import AlertQuerySetMixin, Due, current_alert
from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.fields import FenField

from .choices import Alert, Channel, ReviewClass, State, Step


class ApplicationQuerySet(AlertQuerySetMixin, VisibleQuerySet["Application"]):
    """Visibility (``visible_to``) and today's alert colour (``with_alert``)."""


class Application(models.Model):
    """An application (申请) for an item: dibao (MZ01) and the other programmes of
    ``programs.py`` (MZ02–MZ06), through the procedure of 20-workflow.md.

    Its state changes only through the table in ``workflow.py``: the procedure's actions by
    ``services.application_act``, the later steps other apps take (payment, suspension,
    stop, review) by the methods below, which check the same table.
    """

    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=12, unique=True)
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT,
                                  related_name="applications", verbose_name=_("家庭"))
    item_code = models.CharField(_("事项"), max_length=16)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    state = models.CharField(_("状态"), max_length=50, default=State.SUBMITTED,
                             choices=State.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("受理乡镇"))
    region_path = models.CharField(max_length=128, db_index=True)
    submitted_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    # Time limits (working days) and alerts
    step = models.CharField(_("当前环节"), max_length=16, choices=Step.choices,
                            default=Step.ACCEPTANCE)
    step_started_on = models.DateField(_("环节起算日"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_date = models.DateField(_("环节期限"), null=True, blank=True)
    final_due_date = models.DateField(_("办结期限"), null=True, blank=True)
    # The first day the step / the total is yellow (预警起始日), set with the due dates; the
    # colour itself (``alert``) is computed from these dates and today whenever it is read.
    yellow_on = models.DateField(_("环节预警起始日"), null=True, blank=True)
    final_yellow_on = models.DateField(_("办结预警起始日"), null=True, blank=True)
    deadlines_provisional = models.BooleanField(_("期限为暂定"), default=False)
    # A file opened with its own total limit in working days instead of the catalogue item's
    # (急难先行救助后补办手续: the county's papers limit, 20), its steps capped by it.
    total_limit_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), null=True,
                                                        blank=True)
    extended = models.BooleanField(_("已延期"), default=False)
    extension_reason = models.TextField(_("延期理由"), blank=True)

    # Investigation and verification (in either order)
    investigators = models.JSONField(_("调查人员"), default=list, blank=True)
    # 政府购买家境调查: the contracted organisation entrusted with the investigation
    investigation_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("第三方调查机构"))
    # The people assigned (users of the township who may investigate): their 我的调查 list.
    # ``investigators`` keeps the names as the documents print them (typed names too).
    investigator_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                                related_name="investigations_assigned",
                                                verbose_name=_("指派的调查人员"))
    investigation_recorded = models.BooleanField(_("已入户调查"), default=False)
    investigation = models.JSONField(_("入户调查记录"), default=dict, blank=True)
    verification_recorded = models.BooleanField(_("已核对"), default=False)
    verification = models.JSONField(_("核对报告"), default=dict, blank=True)
    appraisal = models.JSONField(_("民主评议记录"), default=dict, blank=True)
    appraisal_pending = models.BooleanField(default=False)

    # Opinion, notice, decision
    recommend = models.CharField(_("审核意见"), max_length=8, blank=True)
    opinion_reasons = models.TextField(_("审核意见说明"), blank=True)
    assessment = models.ForeignKey("assessments.Assessment", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    engine_amount = FenField(_("核算金额"), null=True, blank=True)
    notice_published_on = models.DateField(_("公示日期"), null=True, blank=True)
    notice_round = models.PositiveSmallIntegerField(default=0)
    objections = models.JSONField(_("异议记录"), default=list, blank=True)
    township_limit = FenField(_("乡镇审批限额"), null=True, blank=True,
                              help_text=_("临时救助：乡镇可自行审批的金额，超过由县级审批"))
    approved_amount = FenField(_("批准金额"), null=True, blank=True)
    override_reason = models.TextField(_("调整金额理由"), blank=True)
    start_month = models.DateField(_("起始发放月"), null=True, blank=True)
    # A recognition valid for a limited time (MZ06: 12 months) ends after this day.
    valid_until = models.DateField(_("认定有效期至"), null=True, blank=True)
    review_class = models.CharField(_("复核类别"), max_length=1, choices=ReviewClass.choices,
                                    blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # 四眼原则 (``DutyRule.second_approval_above``): an approval above the county's threshold
    # is first recorded here (the case stays in ``decision``) until a second approver
    # confirms it (``decided_by``) or returns it (退回: cleared).
    first_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("第一审批人"))
    first_approved_at = models.DateTimeField(_("第一审批时间"), null=True, blank=True)
    # {"name", "amount", "override_reason", "start_month"} of the first approval
    first_approval = models.JSONField(_("第一审批"), default=dict, blank=True)
    reasons = models.TextField(_("不予受理/不予批准/撤回理由"), blank=True)
    missing_materials = models.JSONField(_("需补正材料"), default=list, blank=True)

    objects = ApplicationQuerySet.as_manager()

    # 时限预警: red past the step's or the total's due date, yellow from its first yellow
    # day, while a step runs (20-workflow.md "Alerts"); lists use ``with_alert()``.
    alert = current_alert()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("低保申请")
        verbose_name_plural = _("低保申请")

    def __str__(self) -> str:
        return f"{self.number} {self.household.head_name}"

    @classmethod
    def alert_dues(cls) -> tuple[Due, ...]:
        running = Q(step__in=[s for s in Step.values if s != Step.NONE])
        return (Due("due_date", "yellow_on", when=running),
                Due("final_due_date", "final_yellow_on", when=running))

    def get_alert_display(self) -> str:
        return str(Alert(self.alert).label)

    # Steps other apps take inside their own services (409 outside the table's states).
    def _move(self, action: str) -> str:
        from .workflow import WORKFLOW

        return WORKFLOW.transition(self, action)

    def start_payment(self) -> str:
        return self._move("start_payment")

    def suspend(self) -> str:
        return self._move("suspend")

    def resume(self) -> str:
        return self._move("resume")

    def stop(self) -> str:
        return self._move("stop")

    def review(self) -> str:
        return self._move("review")


class ApplicationStep(models.Model):
    """One recorded step (办理记录) of an application: who did what, when, with what."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class Attachment(models.Model):
    """A scan or photo (附件) kept with an application; never changed once stored."""

    KINDS = [("material", _("申请材料")), ("photo", _("入户照片")), ("signature", _("签名")),
             ("authorisation", _("授权书")), ("other", _("其他"))]

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="attachments")
    kind = models.CharField(_("类别"), max_length=16, choices=KINDS, default="material")
    material = models.CharField(_("材料名称"), max_length=64, blank=True)
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return f"{self.material or self.kind} {self.original_name}"


class MaterialSetting(models.Model):
    """A county's rule for one material (材料设置): whether a scan (扫描件) must be kept, or
    the paper original seen at the window (原件已核验) is enough — the default when a
    material has no row. Administrators change it (``materials.material_setting_set``,
    audited)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("县（市、区）"))
    region_path = models.CharField(max_length=128, db_index=True)
    material = models.CharField(_("材料名称"), max_length=64)
    scan_required = models.BooleanField(_("须上传扫描件"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region", "material"]
        verbose_name = _("材料设置")
        verbose_name_plural = _("材料设置")
        constraints = [models.UniqueConstraint(fields=["region", "material"],
                                               name="applications_material_setting_unique")]

    def __str__(self) -> str:
        return f"{self.material}：{'须扫描' if self.scan_required else '原件核验即可'}"


class OriginalSeen(models.Model):
    """原件已核验: the paper original of a material seen at the window — by whom, when.
    It counts as received for the acceptance check unless the county requires a scan."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="originals")
    material = models.CharField(_("材料名称"), max_length=64)
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("核验人"))
    seen_by_name = models.CharField(_("核验人"), max_length=150, blank=True)
    seen_at = models.DateTimeField(_("核验时间"))

    class Meta:
        ordering = ["seen_at", "id"]
        verbose_name = _("原件核验")
        verbose_name_plural = _("原件核验")
        constraints = [models.UniqueConstraint(fields=["application", "material"],
                                               name="applications_original_seen_unique")]

    def __str__(self) -> str:
        return f"{self.material} {self.seen_by_name}"


class DutyRule(models.Model):
    """A county's separation of duties (四眼原则, issue #14 item 2), as data: each rule on
    by default, also for a county without a row (``duties.rule_for``). Checked where every
    case step is permitted (``duties.duty_refusal``, through ``rules.py`` and the
    workflow's ``duties`` hook), so a refused step is neither offered nor taken (403)."""

    region = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("县（市、区）"))
    region_path = models.CharField(max_length=128, db_index=True)
    no_it_administrator = models.BooleanField(
        _("系统管理员不办理案件"), default=True,
        help_text=_("系统管理员（IT 管理员）不能执行任何案件办理步骤"))
    no_self_approval = models.BooleanField(
        _("调查人、审核人不能审批同一案件"), default=True,
        help_text=_("入户调查人和提出审核意见的人不能批准或不予批准同一案件"))
    second_approval_above = FenField(
        _("须第二审批人确认的月保障金（元）"), null=True, blank=True,
        help_text=_("按月发放的救助批准金额高于此数时，须由另一名审批人确认后才生效；留空为不要求"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region"]
        verbose_name = _("四眼原则")
        verbose_name_plural = _("四眼原则")

    def __str__(self) -> str:
        return f"{self.region}：四眼原则"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_path = self.region.path
        super().save(*args, **kwargs)
