from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
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

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # PROTECT: a user who has audit events is deactivated, never deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
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
    #: The SM3 hash chain (``chain.py``): ``hash`` = SM3 over the canonical serialisation of
    #: this event's fields and ``prev_hash``, the hash of the event before it (by id).
    prev_hash = models.CharField(_("前一条摘要"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("SM3 摘要"), max_length=64, blank=True, editable=False)

    refused_change = "审计记录只能追加，不能修改"
    refused_delete = "审计记录只能追加，不能删除"

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new event is linked to the chain (one small query) in the transaction that
        inserts it, and the chain's anchor outside the database (``anchor.py``) advances when
        that transaction commits; a stored event is refused (``AppendOnly``)."""
        if self.pk is not None:
            raise self.refusal()
        from .anchor import after_commit
        from .chain import link

        alias = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=alias, savepoint=False):
            link(self)
            super().save(*args, **kwargs)
            after_commit(alias)  # the anchor outside the database follows on commit

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"
