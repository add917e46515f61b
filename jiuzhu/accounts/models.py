from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import OrganisationKind, Role


class Organisation(models.Model):
    """An outside organisation (社会力量): a social-work organisation, a company, a love
    station's host or a volunteer team. Its users (社工, 服务商/志愿者, 第三方调查, 驿站) see
    only what is assigned to it, within its region."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=OrganisationKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact = models.CharField(_("联系人"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region_path", "name"]
        verbose_name = _("社会力量机构")
        verbose_name_plural = _("社会力量机构")
        constraints = [models.UniqueConstraint(fields=["region", "name"],
                                               name="organisation_name_unique")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.region_path = self.region.path
        super().save(*args, **kwargs)


class User(AbstractUser):
    """A staff member (工作人员): one role, one region; they see only its subtree."""

    role = models.CharField(_("岗位"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
        related_name="users", null=True,
    )
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    # A department officer's department (catalogue department code, e.g. "JY"): the
    # transferred items of that department reach this officer's inbox.
    department = models.CharField(_("所属部门"), max_length=8, blank=True)
    # A user of an outside organisation (role in OUTSIDE_ROLES) belongs to it.
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="users",
                                     verbose_name=_("所属机构"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_outside(self) -> bool:
        """A user of an outside organisation (社会力量), not government staff."""
        from .choices import OUTSIDE_ROLES

        return self.role in OUTSIDE_ROLES

    @property
    def region_path(self) -> str:
        """The prefix of every region path this user may see ('' means none)."""
        return self.region.path if self.region_id and self.region is not None else ""


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """An API token (接口令牌); only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
