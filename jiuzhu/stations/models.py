from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role
from jiuzhu.core.access import VisibleQuerySet

from .choices import Offering


class LoveStation(models.Model):
    """A love station (爱心驿站): a place, hosted by an organisation or a company, where
    people report families in difficulty, and that may hand out goods or meals or be a
    charity-supermarket point. Its keepers (站长) are the host organisation's users with
    the role ``station_keeper``."""

    name = models.CharField(_("驿站名称"), max_length=100)
    host = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                             related_name="stations", verbose_name=_("举办单位"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    address = models.CharField(_("地址"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    contact = models.CharField(_("联系人"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    offerings = models.JSONField(_("服务内容"), default=list, blank=True)
    active = models.BooleanField(_("在运行"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("登记人"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region_path", "name"]
        verbose_name = _("爱心驿站")
        verbose_name_plural = _("爱心驿站")
        constraints = [models.UniqueConstraint(fields=["region", "name"],
                                               name="love_station_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def offering_labels(self) -> list[str]:
        labels = dict(Offering.choices)
        return [str(labels[o]) for o in self.offerings if o in labels]

    def keepers(self) -> Any:
        """The station's keepers (站长): the host organisation's station keepers."""
        return self.host.users.filter(role=Role.STATION_KEEPER, is_active=True)
