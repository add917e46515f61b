"""Verification requests (核对申请), the sources' answers and the differences they show.

Requests, responses and findings are kept forever: none of them can be deleted, and a
household with a verification cannot be deleted either (it is deactivated instead).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import FindingStatus, ImportStatus, RequestStatus, ResponseStatus


class KeptForeverQuerySet(VisibleQuerySet):
    def delete(self):  # type: ignore[override]
        raise PermissionError("核对记录永久保存，不能删除")


class RequestPartQuerySet(KeptForeverQuerySet):
    """Responses and findings: visible with their verification request."""

    path_fields = ("request__region_path",)


class KeptForever(models.Model):
    objects = KeptForeverQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        raise PermissionError("核对记录永久保存，不能删除")


def authorisation_path(instance: VerificationRequest, filename: str) -> str:
    """Stored under a random name: the uploaded name is kept apart, never trusted."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return (f"verification/authorisations/{timezone.localdate():%Y/%m}/"
            f"{uuid.uuid4().hex}.{extension}")


class VerificationRequest(KeptForever):
    """A request (核对申请) to verify a household's economic status with the departments'
    data, backed by the family's signed authorisation (D04 家庭经济状况核对授权书)."""

    household = models.ForeignKey("households.Household", verbose_name=_("家庭"),
                                  on_delete=models.PROTECT, related_name="verification_requests")
    # Copied from the household so that subtree filters need no join.
    region_path = models.CharField(max_length=128, db_index=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    # The members the authorisation covers: [{member_id, name, id_number}], as signed.
    members = models.JSONField(_("核对对象"), default=list)
    sources = models.JSONField(_("核对的数据源"), default=list)
    authorisation = models.FileField(_("核对授权书"), upload_to=authorisation_path)
    authorisation_name = models.CharField(_("授权书原文件名"), max_length=255)
    authorisation_type = models.CharField(_("授权书类型"), max_length=32)
    authorisation_size = models.PositiveIntegerField(_("授权书大小（字节）"))
    authorisation_sha256 = models.CharField(_("授权书 SHA-256"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING, db_index=True)
    queued_at = models.DateTimeField(_("最近一次排队查询时间"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("最近一次查询时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The case that asked for it when it was accepted (blank: requested by hand). The
    # procedure lives upstairs; only its number and page address are kept here.
    case_number = models.CharField(_("来源申请编号"), max_length=32, blank=True, db_index=True)
    case_url = models.CharField(_("来源申请页面"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("核对申请")
        verbose_name_plural = _("核对申请")
        indexes = [models.Index(fields=["household", "status", "completed_at"])]

    def __str__(self) -> str:
        return f"核对申请 {self.pk}（{self.household.household_id}）"

    @property
    def running(self) -> bool:
        """A run is queued or in progress (the page keeps polling)."""
        return self.queued_at is not None and (
            self.last_run_at is None or self.last_run_at < self.queued_at)


class SourceResponse(KeptForever):
    """One data source's answer (数据源返回) to a request, with its payload as received.

    ``comparison`` holds every line compared (equal or not); the differing lines are also
    :class:`Finding` rows. ``attempts`` logs every failed query ({at, error}).
    """

    request = models.ForeignKey(VerificationRequest, verbose_name=_("核对申请"),
                                on_delete=models.PROTECT, related_name="responses")
    source = models.CharField(_("数据源"), max_length=32)
    status = models.CharField(_("状态"), max_length=16, choices=ResponseStatus.choices,
                              default=ResponseStatus.PENDING)
    payload = models.JSONField(_("返回数据（原样）"), null=True, blank=True)
    comparison = models.JSONField(_("比对结果"), default=list, blank=True)
    received_at = models.DateTimeField(_("返回时间"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    attempts = models.JSONField(_("失败记录"), default=list, blank=True)

    objects: ClassVar[models.Manager[Any]] = RequestPartQuerySet.as_manager()

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("数据源返回")
        verbose_name_plural = _("数据源返回")
        constraints = [
            models.UniqueConstraint(fields=["request", "source"], name="one_response_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.get_status_display()}"


class Finding(KeptForever):
    """A difference (核对差异) between what the household declared and what a source found.

    ``member_id`` is blank for household-level fields (vehicles, homes, deposits, business
    registration), which sources report per person and the household declares in total.
    ``field`` is the path in household.schema.json when the finding was made.
    """

    request = models.ForeignKey(VerificationRequest, verbose_name=_("核对申请"),
                                on_delete=models.PROTECT, related_name="findings")
    source = models.CharField(_("数据源"), max_length=32)
    member_id = models.CharField(_("成员编号"), max_length=40, blank=True)
    member_name = models.CharField(_("成员姓名"), max_length=64, blank=True)
    field = models.CharField(_("字段"), max_length=64)
    label = models.CharField(_("项目"), max_length=64)
    declared = models.JSONField(_("申报值"), null=True)
    found = models.JSONField(_("核对值"), null=True)
    matters = models.BooleanField(_("影响认定"), default=False)
    applicable = models.BooleanField(_("可更新家庭信息"), default=True)
    detail = models.JSONField(_("明细"), default=dict, blank=True)
    status = models.CharField(_("处理状态"), max_length=16, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("处理理由"), blank=True)

    objects: ClassVar[models.Manager[Any]] = RequestPartQuerySet.as_manager()

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("核对差异")
        verbose_name_plural = _("核对差异")
        constraints = [
            # A re-run never adds a finding twice.
            models.UniqueConstraint(fields=["request", "source", "member_id", "field"],
                                    name="one_finding_per_field"),
        ]

    def __str__(self) -> str:
        return f"{self.member_name or '家庭'} {self.label}"


def import_path(instance: SourceImport, filename: str) -> str:
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return (f"verification/imports/{timezone.localdate():%Y/%m}/"
            f"{instance.source}-{uuid.uuid4().hex}.{extension}")


class SourceImport(KeptForever):
    """A department's export file uploaded on the import page (部门数据导入): validated,
    its differences against the file in use previewed, then applied (it becomes the file
    the source is read from) or discarded. Kept forever with the file as uploaded."""

    source = models.CharField(_("数据源"), max_length=32)
    # The uploader's region: who may see the import (the export folder serves everyone).
    region_path = models.CharField(max_length=128, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file = models.FileField(_("文件"), upload_to=import_path)
    file_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    people = models.PositiveIntegerField(_("人数"), default=0)
    # {"new": n, "changed": n, "removed": n, "unchanged": n} and the lines to show.
    summary = models.JSONField(_("差异统计"), default=dict)
    changes = models.JSONField(_("差异明细"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEWED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("部门数据导入")
        verbose_name_plural = _("部门数据导入")

    def __str__(self) -> str:
        return f"部门数据导入 {self.pk}（{self.source}）"


# --- electronic authorisation (电子核对授权, issue #16 item 2) ---------------------------


class SignatureChannel(models.TextChoices):
    WINDOW = "window", _("窗口签名板")
    PHONE = "phone", _("手机签名")
    ONLINE = "online", _("网上申请")


class Authorisation(KeptForever):
    """A family's electronic authorisation of the verification (D04 家庭经济状况核对授权书
    signed on a pad or a phone): one per case; complete once every adult member signed,
    then the signed D04 (``document``) stands for the paper scan."""

    # None while it travels with an online request (网上申请) the window has not taken yet
    household = models.ForeignKey("households.Household", verbose_name=_("家庭"), null=True,
                                  blank=True, on_delete=models.PROTECT,
                                  related_name="authorisations")
    region_path = models.CharField(max_length=128, db_index=True, editable=False)
    case_number = models.CharField(_("申请编号"), max_length=32, blank=True, db_index=True)
    # the online request (受理单号) whose resident signed on the phone before applying
    intake_number = models.CharField(_("受理单号"), max_length=32, blank=True, db_index=True)
    case_url = models.CharField(_("申请页面"), max_length=200, blank=True)
    consent_version = models.CharField(_("授权文本版本"), max_length=32)
    consent_sm3 = models.CharField(_("授权文本 SM3"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("签署完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # The signed D04 (documents app): its PDF and its SM3/SHA-256 are the document's.
    document = models.ForeignKey("documents.Document", verbose_name=_("已签署的授权书"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("电子核对授权")
        verbose_name_plural = _("电子核对授权")

    def __str__(self) -> str:
        return f"电子核对授权 {self.case_number or self.pk}"

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


class AuthorisationSignature(KeptForever):
    """One member's drawn signature of an authorisation: the PNG, the consent text's
    version and SM3 they signed, when, where (if the phone told) and on what device."""

    authorisation = models.ForeignKey(Authorisation, verbose_name=_("电子核对授权"),
                                      on_delete=models.PROTECT, related_name="signatures")
    region_path = models.CharField(max_length=128, db_index=True, editable=False)
    member_id = models.CharField(_("成员编号"), max_length=40)
    name = models.CharField(_("签名人"), max_length=64)
    image = models.BinaryField(_("签名图像（PNG）"))
    image_sm3 = models.CharField(_("签名图像 SM3"), max_length=64)
    consent_version = models.CharField(_("授权文本版本"), max_length=32)
    consent_sm3 = models.CharField(_("授权文本 SM3"), max_length=64)
    signed_at = models.DateTimeField(_("签名时间"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    device = models.CharField(_("设备"), max_length=300, blank=True)
    channel = models.CharField(_("签名方式"), max_length=16, choices=SignatureChannel.choices)
    witnessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("见证人"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["authorisation_id", "signed_at", "id"]
        verbose_name = _("授权签名")
        verbose_name_plural = _("授权签名")
        constraints = [models.UniqueConstraint(fields=["authorisation", "member_id"],
                                               name="verification_one_signature_per_member")]

    def __str__(self) -> str:
        return f"{self.name} {self.signed_at:%Y-%m-%d %H:%M}"
