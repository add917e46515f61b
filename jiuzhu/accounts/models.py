from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Role


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

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

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
