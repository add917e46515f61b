from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.models import AppendOnly, AppendOnlyQuerySetMixin

from .choices import AuditAction


class AuditEventQuerySet(AppendOnlyQuerySetMixin, VisibleQuerySet):
    """``visible_to(user)``: the events of the user's subtree and the events of the users
    of that subtree (their logins, and what they did elsewhere)."""

    path_fields = ("region_path", "actor__region__path")


class AuditEvent(AppendOnly):
    """An append-only audit event (审计记录): who did what, when, from where."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=32, db_index=True,
                              choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_path = models.CharField(_("区划路径"), max_length=128, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    refused_change = "审计记录只能追加，不能修改"
    refused_delete = "审计记录只能追加，不能删除"

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"
