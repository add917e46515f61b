from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet


def _upload_to(instance: Document, extension: str) -> str:
    """documents/<year of the number>/<uuid>.<extension>"""
    return f"documents/{instance.year}/{instance.uuid}.{extension}"


def pdf_upload_to(instance: Document, filename: str) -> str:
    return _upload_to(instance, "pdf")


def docx_upload_to(instance: Document, filename: str) -> str:
    return _upload_to(instance, "docx")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("生成中")
    READY = "ready", _("已生成")
    #: Its renderer (the task worker) died: nothing was stored; 重新生成 renders it again.
    FAILED = "failed", _("生成失败")


class DocumentQuerySet(VisibleQuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("法律文书一经出具不能修改，请重新出具新版本")

    def delete(self):  # type: ignore[override]
        raise PermissionError("法律文书一经出具不能删除")

    def store_files(self, pk: int, **files: object) -> bool:
        """The one change a document ever gets: its files and their SM3 and SHA-256, stored once
        while it is pending. False when it was no longer pending (stored meanwhile)."""
        pending = self.filter(pk=pk, status=DocumentStatus.PENDING)
        return bool(models.QuerySet.update(pending, status=DocumentStatus.READY, **files))

    def render_begin(self, pk: int) -> bool:
        """Mark a document that is not ready as being rendered now (pending again if it had
        failed); committed before the render, so the sweep of runs whose worker died
        (``services.documents_fail_stale``) can find it. False when it is ready."""
        from django.utils import timezone

        waiting = self.filter(pk=pk).exclude(status=DocumentStatus.READY)
        return bool(models.QuerySet.update(waiting, status=DocumentStatus.PENDING,
                                           render_started_at=timezone.now(), render_error=""))

    def render_requeue(self, pk: int) -> bool:
        """A failed (or pending) document waits for the worker again (重新生成)."""
        waiting = self.filter(pk=pk).exclude(status=DocumentStatus.READY)
        return bool(models.QuerySet.update(waiting, status=DocumentStatus.PENDING,
                                           render_started_at=None, render_error=""))

    def render_failed(self, pk: int, *, before: object, error: str) -> bool:
        """Mark failed a document whose render began before ``before`` and never stored its
        files (its worker died). False when it was stored or began again meanwhile."""
        stale = self.filter(pk=pk, status=DocumentStatus.PENDING, render_started_at__lt=before)
        return bool(models.QuerySet.update(stale, status=DocumentStatus.FAILED,
                                           render_error=error[:300]))

    def for_owner(self, owner: models.Model) -> DocumentQuerySet:
        content_type = ContentType.objects.get_for_model(owner, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=str(owner.pk))


class Document(models.Model):
    """A legal document (法律文书) issued on a case: numbered and worded (``content``) in
    the transaction of the step that issues it, rendered as PDF and Word after that
    transaction commits (``status`` pending → ready, by the task worker or by the first
    download), stored with its SHA-256 and never changed afterwards; issuing it again
    makes a new version with a new number."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    owner = GenericForeignKey("content_type", "object_id")
    region_path = models.CharField(_("区划路径"), max_length=128, db_index=True, blank=True)

    code = models.CharField(_("文书代码"), max_length=8)
    title = models.CharField(_("文书名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"))
    number = models.CharField(_("文号"), max_length=100, db_index=True)
    series = models.CharField(_("文号序列"), max_length=16)
    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    office = models.ForeignKey("regions.Region", verbose_name=_("出具单位"),
                               on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("出具人"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_by_name = models.CharField(_("出具人账号"), max_length=150, blank=True)
    template = models.CharField(_("模板"), max_length=200)
    context = models.JSONField(_("文书数据"), default=dict, encoder=DjangoJSONEncoder)
    missing_fields = models.JSONField(_("留空待填字段"), default=list)
    # What the files show, as worded at issue (content.content_to_dict): rendering later
    # does not depend on the template files of that later day.
    content = models.JSONField(_("文书内容"), default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(_("文件状态"), max_length=8, choices=DocumentStatus.choices,
                              default=DocumentStatus.PENDING)
    rendered_at = models.DateTimeField(_("文件生成时间"), null=True, blank=True)
    #: When its render last began (the sweep fails a pending one silent since long ago).
    render_started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    render_error = models.CharField(_("生成失败原因"), max_length=300, blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to=pdf_upload_to, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_sm3 = models.CharField(_("PDF SM3"), max_length=64, blank=True)
    docx = models.FileField(_("Word 文件"), upload_to=docx_upload_to, max_length=200,
                            blank=True)
    docx_sha256 = models.CharField(_("Word SHA-256"), max_length=64, blank=True)
    docx_sm3 = models.CharField(_("Word SM3"), max_length=64, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("法律文书")
        verbose_name_plural = _("法律文书")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "code", "version"],
                                    name="document_owner_code_version"),
            models.UniqueConstraint(fields=["office", "series", "year", "serial"],
                                    name="document_office_series_year_serial"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "code"])]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("法律文书一经出具不能修改，请重新出具新版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("法律文书一经出具不能删除")

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == DocumentStatus.FAILED

    @property
    def pdf_sha256_short(self) -> str:
        return self.pdf_sha256[:12]

    @property
    def docx_sha256_short(self) -> str:
        return self.docx_sha256[:12]
