from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    """The levels of the region tree (行政区划层级), top to bottom."""

    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇/街道")
    VILLAGE = "village", _("村/社区")
    GRID = "grid", _("网格")


LEVEL_ORDER = [level.value for level in RegionLevel]

# Length of a region's own code at each level (GB/T 2260 style, extended to grids).
CODE_LENGTH = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12, "grid": 15}


class AreaType(models.TextChoices):
    URBAN = "urban", _("城市")
    RURAL = "rural", _("农村")
