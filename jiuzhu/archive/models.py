"""The archive package (档案包) of a closed case, stored unchangeable, and the checks of
its digests (append-only)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.models import AppendOnly, AppendOnlyQuerySetMixin

from .choices import CaseKind, Closing, RecordClass


class ArchivePackageQuerySet(AppendOnlyQuerySetMixin, VisibleQuerySet["ArchivePackage"]):
    def for_case(self, kind: str, case_id: int) -> ArchivePackageQuerySet:
        return self.filter(case_kind=kind, case_id=case_id)

    def with_check(self) -> ArchivePackageQuerySet:
        """Annotate ``failed_check``: a check of its digests has failed (档案校验失败)."""
        failed = ArchiveCheck.objects.filter(package=models.OuterRef("pk"), ok=False)
        return self.annotate(failed_check=models.Exists(failed))


class ArchivePackage(AppendOnly):
    """The zip of a closed case — every document version, attachment, step record and the
    assessment snapshot, with ``manifest.json`` (each file's SM3 and SHA-256, who and when)
    — and the digests of the zip itself. Created once, never changed: ``save`` refuses an
    update, the queryset refuses ``update``/``delete``; a check of the digests is an
    :class:`ArchiveCheck` row of its own."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_kind = models.CharField(_("案件类型"), max_length=16, choices=CaseKind.choices)
    case_id = models.PositiveBigIntegerField(_("案件编号（内部）"))
    case_number = models.CharField(_("案件编号"), max_length=40, db_index=True)
    item_code = models.CharField(_("事项"), max_length=16, blank=True)
    closing = models.CharField(_("办结事由"), max_length=16, choices=Closing.choices)
    version = models.PositiveIntegerField(_("版本"))
    household = models.ForeignKey("households.Household", verbose_name=_("家庭"),
                                  on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区划"),
                               on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=128, db_index=True)
    record_class = models.CharField(_("档案类别"), max_length=16, choices=RecordClass.choices)
    closed_on = models.DateField(_("办结日期"))
    closed_by_name = models.CharField(_("办结人"), max_length=150, blank=True)
    retain_until = models.DateField(_("保管期限至"))
    file = models.FileField(_("档案包"), upload_to="archive/", max_length=200, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    manifest = models.JSONField(_("清单"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sm3 = models.CharField(_("SM3"), max_length=64)
    built_at = models.DateTimeField(_("归档时间"))
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("归档人"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    built_by_name = models.CharField(_("归档人账号"), max_length=150, blank=True)

    refused_change = _("电子档案一经归档不能修改或删除")

    objects = ArchivePackageQuerySet.as_manager()

    class Meta:
        ordering = ["-closed_on", "-id"]
        verbose_name = _("电子档案")
        verbose_name_plural = _("电子档案")
        constraints = [
            models.UniqueConstraint(fields=["case_kind", "case_id", "version"],
                                    name="archive_case_version"),
            models.UniqueConstraint(fields=["case_kind", "case_id", "closing"],
                                    name="archive_case_closing"),
        ]
        indexes = [models.Index(fields=["case_kind", "case_id"])]

    def __str__(self) -> str:
        return f"{self.case_number} 第{self.version}版"

    @property
    def file_count(self) -> int:
        return len(self.manifest.get("files", []))


class ArchiveCheckQuerySet(AppendOnlyQuerySetMixin, VisibleQuerySet["ArchiveCheck"]):
    path_fields = ("package__region_path",)


class ArchiveCheck(AppendOnly):
    """One check of a package's digests (at each download, or asked for): whether the zip
    and every file in it still match the manifest stored in the database. Append-only; a
    failed one marks the package 校验失败."""

    package = models.ForeignKey(ArchivePackage, on_delete=models.PROTECT, related_name="checks")
    checked_at = models.DateTimeField(_("校验时间"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("校验人"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    checked_by_name = models.CharField(_("校验人账号"), max_length=150, blank=True)
    ok = models.BooleanField(_("校验通过"))
    problems = models.JSONField(_("发现的问题"), default=list, blank=True)

    refused_change = _("电子档案一经归档不能修改或删除")

    objects = ArchiveCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("档案校验")
        verbose_name_plural = _("档案校验")

    def __str__(self) -> str:
        return f"{self.package_id} {'ok' if self.ok else 'failed'}"
