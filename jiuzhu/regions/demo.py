"""The demo county's regions: 示范省 99 > 示范市 9901 > 示范县 990102, three townships, 24
villages and communities and their grids. Idempotent (codes are looked up first)."""

from __future__ import annotations

from .models import Region
from .services import region_get_or_create

DEMO_COUNTY = "990102"

TOWNSHIPS = [
    ("990102001", "城关街道", "urban",
     ["东门社区", "西门社区", "南街社区", "北街社区", "新华社区", "人民路社区", "文昌社区", "滨河社区"]),
    ("990102002", "东河镇", "mixed",
     ["东河社区", "河口村", "柳树村", "杨庄村", "王家村", "李家洼村", "新农村", "桥头村"]),
    ("990102003", "西山乡", "rural",
     ["西山村", "石门村", "松林村", "上坪村", "下坪村", "红岩村", "青龙村", "白水村"]),
]

def load_regions() -> dict[str, Region]:
    province = region_get_or_create(code="99", name="示范省", level="province")
    city = region_get_or_create(code="9901", name="示范市", level="city", parent=province)
    county = region_get_or_create(code="990102", name="示范县", level="county", parent=city)
    regions = {"99": province, "9901": city, "990102": county}
    for town_code, town_name, kind, villages in TOWNSHIPS:
        town = region_get_or_create(code=town_code, name=town_name, level="township",
                                    parent=county)
        regions[town_code] = town
        for index, village_name in enumerate(villages, start=1):
            area = ("urban" if kind == "urban" or village_name.endswith("社区") else "rural")
            village = region_get_or_create(code=f"{town_code}{index:03d}", name=village_name,
                                           level="village", parent=town, area_type=area)
            regions[village.code] = village
            for g in range(1, 2 + (int(village.code) % 3) + 1):
                grid = region_get_or_create(code=f"{village.code}{g:03d}",
                                            name=f"{village_name}第{g}网格", level="grid",
                                            parent=village, area_type=area)
                regions[grid.code] = grid
    return regions
