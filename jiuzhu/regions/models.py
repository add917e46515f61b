from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import AreaType, RegionLevel


class RegionQuerySet(VisibleQuerySet):
    path_fields = ("path",)


class Region(models.Model):
    """A region (行政区划) of the tree 省 > 市 > 县 > 乡镇/街道 > 村/社区 > 网格.

    ``path`` is the materialised path of codes (``99/9901/990102/…/``), so a subtree is
    one indexed ``path LIKE 'prefix%'`` query.
    """

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=128, unique=True, editable=False)
    area_type = models.CharField(
        _("城乡类别"), max_length=8, choices=AreaType.choices, blank=True, default=""
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def region_path(self) -> str:
        """Its own path, so that permission checks treat regions like what they contain."""
        return self.path

    @property
    def county_code(self) -> str:
        return self.code[:6]

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)

    def full_name(self) -> str:
        names = [r.name for r in self.ancestors()] + [self.name]
        return " / ".join(names[2:] if len(names) > 3 else names)

    def ancestors(self) -> list[Region]:
        codes = [c for c in self.path.strip("/").split("/")[:-1]]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]
