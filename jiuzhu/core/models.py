"""The models every app may use."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """The last value used in one numbered series (编号计数器), e.g. the applications of a
    township and year, an office's yearly series of documents, the households of a village.

    ``jiuzhu.core.numbers.counter_next`` increments it inside the transaction that uses the
    number: the row stays locked until that transaction ends, so two transactions never get
    the same value, and a rolled-back one gives its value back."""

    key = models.CharField(_("序列"), max_length=120, unique=True)
    value = models.PositiveBigIntegerField(_("当前值"), default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class Flag(models.Model):
    """Something the platform records about its own database, by name (see
    :mod:`jiuzhu.core.flags`), e.g. ``demo_county``: the demo county was loaded here."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    value = models.CharField(_("值"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("系统标记")
        verbose_name_plural = _("系统标记")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
