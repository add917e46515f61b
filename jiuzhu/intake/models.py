"""The one-window intake (一门受理): a request (受理单) of one family for one or more
catalogue items, each item decided here (its own procedure) or transferred / co-handled
(转办/协办) to a department, with every step recorded and the supervisor's urges (督办)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuzhu.applications.choices import Channel
from jiuzhu.calendars.alerts import AlertQuerySetMixin, Due, current_alert
from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.fields import EncryptedCharField, FenField

from .choices import Alert, ItemState, Mode, RequestStatus, Result


class Request(models.Model):
    """One intake (受理单): one family, one or more items, one receipt and query code."""

    number = models.CharField(_("受理编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8, unique=True)
    household = models.ForeignKey("households.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="intake_requests",
                                  verbose_name=_("家庭"))
    household_data = models.JSONField(_("网上申报的家庭信息"), default=dict, blank=True)
    # What a resident declared online beyond the household schema (monthly income, notes):
    # shown to the window, which checks it while registering the household.
    declared = models.JSONField(_("网上申报的其他情况"), default=dict, blank=True)
    requested_items = models.JSONField(_("申请事项"), default=list, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    applicant_name = models.CharField(_("申请人"), max_length=64)
    applicant_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    applicant_id_number = EncryptedCharField(_("申请人身份证号"), max_length=18, blank=True)
    agent_name = models.CharField(_("代办/陪办人"), max_length=64, blank=True)
    agent_phone = EncryptedCharField(_("代办/陪办人电话"), max_length=20, blank=True)
    agent_id_number = EncryptedCharField(_("代办/陪办人身份证号"), max_length=18, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("受理乡镇"))
    region_path = models.CharField(max_length=128)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("受理时间"), auto_now_add=True)
    received_on = models.DateField(_("受理日期"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    taken_at = models.DateTimeField(_("窗口受理时间"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("受理单")
        verbose_name_plural = _("受理单")
        indexes = [models.Index(fields=["region_path", "status"]),
                   models.Index(fields=["status", "region_path"])]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"


class RequestItemQuerySet(AlertQuerySetMixin, VisibleQuerySet["RequestItem"]):
    """Visibility (``visible_to``) and today's alert colour (``with_alert``)."""


class RequestItem(models.Model):
    """One item of a request: decided here (``internal``: its application) or handled by a
    department (``transfer``/``cohandle``), with its own state, due date and alert."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("catalogue.Item", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("事项版本"))
    item_code = models.CharField(_("事项编码"), max_length=16)
    item_name = models.CharField(_("事项名称"), max_length=100)
    department_code = models.CharField(_("牵头部门"), max_length=8)
    mode = models.CharField(_("办理方式"), max_length=16, choices=Mode.choices)
    application = models.ForeignKey("applications.Application", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("平台申请"))
    household = models.ForeignKey("households.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=128)
    materials = models.JSONField(_("已收材料"), default=list, blank=True)
    # 原件已核验: the materials whose paper original the window saw, [{"material", "by",
    # "at"}]; a material in ``materials`` and not here was received as a scan.
    originals = models.JSONField(_("原件已核验"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=ItemState.choices)
    limit = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    started_on = models.DateField(_("起算日"))
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(default=False)
    # The first day the item is yellow (two thirds of its limit), set with its due date; the
    # colour itself (``alert``) is computed from the dates and today whenever it is read.
    yellow_on = models.DateField(_("预警起始日"), null=True, blank=True)
    missing = models.JSONField(_("需补充材料"), default=list, blank=True)
    # The day by which the materials told at the window (一次性告知) are to be brought.
    missing_due = models.DateField(_("补齐材料期限"), null=True, blank=True)
    result = models.CharField(_("办理结果"), max_length=16, choices=Result.choices, blank=True)
    result_text = models.TextField(_("结果说明"), blank=True)
    amount = FenField(_("金额"), null=True, blank=True)
    reason = models.TextField(_("退回理由"), blank=True)
    finished_on = models.DateField(_("办结日期"), null=True, blank=True)

    objects = RequestItemQuerySet.as_manager()

    # 时限预警 of today: a department item red past its due date and yellow from its first
    # yellow day (none while more materials are asked for); an item decided here has its
    # application's colour. Lists use ``with_alert()``.
    alert = current_alert()

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("受理事项")
        verbose_name_plural = _("受理事项")
        indexes = [models.Index(fields=["department_code", "state", "region_path"]),
                   models.Index(fields=["household", "state"])]

    def __str__(self) -> str:
        return f"{self.item_code} {self.item_name}"

    @classmethod
    def alert_dues(cls) -> tuple[Due, ...]:
        from jiuzhu.applications.models import Application

        counting = Q(state__in=[ItemState.TRANSFERRED, ItemState.ACCEPTED, ItemState.RESUBMITTED])
        internal = Q(state=ItemState.INTERNAL)
        return (Due("due_date", "yellow_on", when=counting),
                *(due.via("application", when=internal) for due in Application.alert_dues()))

    def get_alert_display(self) -> str:
        return str(Alert(self.alert).label)

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_ITEM_STATES

        return self.state in OPEN_ITEM_STATES


class CoHandler(models.Model):
    """An assisting department (协办部门) of a co-handled item, with its own result."""

    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="cohandlers")
    department_code = models.CharField(_("协办部门"), max_length=8)
    department_name = models.CharField(max_length=64, blank=True)
    finished = models.BooleanField(_("已办结"), default=False)
    result = models.CharField(_("办理结果"), max_length=16, choices=Result.choices, blank=True)
    result_text = models.TextField(_("结果说明"), blank=True)
    amount = FenField(_("金额"), null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("协办部门")
        verbose_name_plural = _("协办部门")
        constraints = [models.UniqueConstraint(fields=["item", "department_code"],
                                               name="intake_cohandler_unique")]
        indexes = [models.Index(fields=["department_code", "finished"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.department_code}"


class ItemStep(models.Model):
    """One recorded step (办理记录) of an item: who, when, what, with which data."""

    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    department_code = models.CharField(max_length=8, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"

    @property
    def label(self) -> str:
        from .services import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)


class Urge(models.Model):
    """A supervisor's urge (督办) of an item; the officer acknowledges it."""

    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="urges")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    supervisor_name = models.CharField(max_length=150, blank=True)
    message = models.TextField(_("督办意见"))
    at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("督办")
        verbose_name_plural = _("督办")

    def __str__(self) -> str:
        return f"{self.item_id} {self.message[:20]}"


class RequestFile(models.Model):
    """A scan (扫描件) received with a request: JPEG, PNG or PDF by content; never changed."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="files")
    item_code = models.CharField(max_length=16, blank=True)
    material = models.CharField(_("材料名称"), max_length=64, blank=True)
    file = models.FileField(_("文件"), upload_to="intake/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("扫描件")
        verbose_name_plural = _("扫描件")

    def __str__(self) -> str:
        return f"{self.material or self.original_name}"
