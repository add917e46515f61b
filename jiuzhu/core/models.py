"""The models every app may use."""

from __future__ import annotations

from typing import Any, ClassVar

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


class AppendOnly(models.Model):
    """A row written once and kept (audit events, ledger entries, archive packages): ``save``
    refuses a change of a stored row and ``delete`` refuses, in the model's own words
    (``refused_change``, ``refused_delete`` — the latter defaults to the former)."""

    refused_change: ClassVar[Any] = "只能追加，不能修改"
    refused_delete: ClassVar[Any] = ""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise self.refusal()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise self.refusal(delete=True)

    @classmethod
    def refusal(cls, *, delete: bool = False) -> PermissionError:
        return PermissionError(str(cls.refused_delete if delete and cls.refused_delete
                                   else cls.refused_change))


class AppendOnlyQuerySetMixin:
    """For the queryset of an :class:`AppendOnly` model: ``update`` and ``delete`` refused
    in the model's words (put it before the queryset class in the bases)."""

    model: Any

    def update(self, **kwargs: Any) -> Any:
        raise self.model.refusal()

    def delete(self) -> Any:
        raise self.model.refusal(delete=True)
