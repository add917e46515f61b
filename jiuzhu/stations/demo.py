"""The demo county's love stations (爱心驿站): six, over the three townships. Idempotent,
through the services. The leads reported under them (``station1`` for its own) are
``leads.demo.load_station_leads`` (leads lies above stations: no import of it here); load
the stations before ``leads.demo`` so its love-station lead is linked by name."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jiuzhu.accounts.models import Organisation
from jiuzhu.core.access import SYSTEM
from jiuzhu.regions.models import Region

from . import services
from .models import LoveStation

#: (name, host organisation, region code, address, hours, offerings, contact, phone, lat, lon)
DEMO_STATIONS: list[tuple[str, str, str, str, str, list[str], str, str, str, str]] = [
    ("城关街道东门社区爱心驿站", "城关街道东门社区爱心驿站", "990102001001", "东门社区人民路 2 号",
     "周一至周六 8:30–17:30", ["report", "goods", "supermarket"], "龙梅", "0999-6004001",
     "27.994210", "120.699350"),
    ("城关街道新华社区爱心驿站", "示范县邻里助餐服务有限公司", "990102001005", "新华社区新华路 45 号",
     "每天 10:30–13:00", ["report", "meals"], "贺春", "0999-6002002", "27.998800", "120.705100"),
    ("东河镇东河社区爱心驿站", "示范县青年志愿者协会", "990102002001", "东河社区镇前街 9 号",
     "周一至周五 9:00–17:00", ["report", "goods"], "魏佳", "0999-6003001", "", ""),
    ("东河镇柳树村爱心驿站", "示范县安康家政服务有限公司", "990102002003", "柳树村村委会旁",
     "周二、周五 9:00–16:00", ["report"], "毛建华", "0999-6002001", "", ""),
    ("西山乡西山村爱心驿站", "示范县社会工作服务中心", "990102003001", "西山村文化礼堂",
     "周一至周五 8:00–17:00", ["report", "goods", "meals"], "黄晓燕", "0999-6001001", "", ""),
    ("西山乡松林村爱心驿站", "示范县顺心维修服务部", "990102003003", "松林村便民服务点",
     "周三、周六 9:00–15:00", ["report", "supermarket"], "钟鸣", "0999-6002003", "", ""),
]

def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(stdout: Any = None) -> int:
    """Create the demo stations that are missing; returns how many were created."""
    created = 0
    with transaction.atomic():
        for name, host_name, code, address, hours, offerings, contact, phone, lat, lon in DEMO_STATIONS:
            region = Region.objects.filter(code=code).first()
            host = Organisation.objects.filter(name=host_name).first()
            if region is None or host is None:
                _say(stdout, f"爱心驿站 {name}: 缺少区划或举办单位，跳过")
                continue
            if LoveStation.objects.filter(region=region, name=name).exists():
                continue
            services.station_register(actor=SYSTEM, data={
                "name": name, "host_id": host.pk, "region_code": code, "address": address,
                "hours": hours, "offerings": offerings, "contact": contact, "phone": phone,
                "latitude": lat, "longitude": lon})
            created += 1
    _say(stdout, f"爱心驿站: 新建 {created} 个")
    return created
