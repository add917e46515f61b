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


class DocumentQuerySet(VisibleQuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("法律文书一经出具不能修改，请重新出具新版本")

    def delete(self):  # type: ignore[override]
        raise PermissionError("法律文书一经出具不能删除")

    def for_owner(self, owner: models.Model) -> DocumentQuerySet:
        content_type = ContentType.objects.get_for_model(owner, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=str(owner.pk))


class Document(models.Model):
    """A legal document (法律文书) issued on a case: numbered, rendered as PDF and Word,
    stored with its SHA-256 and never changed afterwards; issuing it again makes a new
    version with a new number."""

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
    pdf = models.FileField(_("PDF 文件"), upload_to=pdf_upload_to, max_length=200)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    docx = models.FileField(_("Word 文件"), upload_to=docx_upload_to, max_length=200)
    docx_sha256 = models.CharField(_("Word SHA-256"), max_length=64)

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
    def pdf_sha256_short(self) -> str:
        return self.pdf_sha256[:12]

    @property
    def docx_sha256_short(self) -> str:
        return self.docx_sha256[:12]


class DocumentCounter(models.Model):
    """The last number used in an office's yearly series (文号计数器); locked while a
    document is numbered, so numbers never skip or repeat."""

    office = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文号计数器")
        verbose_name_plural = _("文号计数器")
        constraints = [models.UniqueConstraint(fields=["office", "series", "year"],
                                               name="document_counter_office_series_year")]

    def __str__(self) -> str:
        return f"{self.office} {self.series} {self.year}: {self.last}"
