"""Per-county settings of the procedure (程序设置), as data files in ``procedure/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError

FOLDER = Path(__file__).resolve().parent / "procedure"


@dataclass(frozen=True)
class Procedure:
    county: str
    item_code: str
    appraisal: str  # "always" or "after_objection"
    approving_level: str  # "county" or "township"
    notice_calendar_days: int
    appraisal_min_members: int
    materials: tuple[str, ...]
    reference: str
    hotline: str = "12345"
    office_phone: str = ""
    office_address: str = ""


@lru_cache(maxsize=64)
def procedure_for(region_code: str) -> Procedure:
    county = region_code[:6]
    path = FOLDER / f"{county}.yaml"
    if not path.exists():
        raise ServiceError(ErrorCode.VALIDATION, _("县 %(county)s 没有低保程序设置") % {"county": county},
                           [{"path": "region_code", "message": _("该县未配置审核确认程序")}])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Procedure(
        county=county, item_code=data["item_code"], appraisal=data["appraisal"],
        approving_level=data["approving_level"],
        notice_calendar_days=int(data["notice_calendar_days"]),
        appraisal_min_members=int(data["appraisal_min_members"]),
        materials=tuple(data["materials"]), reference=data["reference"],
        hotline=str(data.get("hotline", "12345")),
        office_phone=str(data.get("office_phone", "")),
        office_address=str(data.get("office_address", "")),
    )
