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


class TokenScope(models.TextChoices):
    READ = "read", _("只读")
    WRITE = "write", _("读写")


def token_default_expiry():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """An API token (接口令牌); only its SHA-256 is stored. It expires (``expires_at``,
    ``API_TOKEN_DAYS`` after it was made unless told otherwise) and has a scope: a read-only
    token is refused on every request that writes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    expires_at = models.DateTimeField(_("有效期至"), default=token_default_expiry)
    scope = models.CharField(_("权限范围"), max_length=8, choices=TokenScope.choices,
                             default=TokenScope.WRITE)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"



class LoginFailure(models.Model):
    """One failed sign-in (a wrong password or a wrong second-factor code): the progressive
    delays are counted from these per user name and per address, and the user is told of
    them at the next successful sign-in."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [models.Index(fields=["username", "at"], name="loginfailure_name_at")]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M:%S}"


class PasswordHistory(models.Model):
    """The hashes of a user's last passwords (GB/T 22239: a new password may not be one
    of the last five). Only hashes, as ``User.password`` holds."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="password_history")
    password = models.CharField(max_length=128)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d}"


class SecondFactorMode(models.TextChoices):
    OFF = "off", _("不要求")
    REQUIRED_ROLES = "required_roles", _("审批、审核、核对、管理岗位必须")


class SecondFactorPolicy(models.Model):
    """二次验证要求 of a county (or any region: the nearest one above a user counts). Without
    one, ``TWO_FACTOR_DEFAULT`` applies. Whoever has enrolled a second factor is asked for
    it at every sign-in whatever the policy says."""

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("区划"))
    mode = models.CharField(_("二次验证要求"), max_length=16, choices=SecondFactorMode.choices,
                            default=SecondFactorMode.OFF)

    class Meta:
        verbose_name = _("二次验证要求")
        verbose_name_plural = _("二次验证要求")

    def __str__(self) -> str:
        return f"{self.region}：{self.get_mode_display()}"
