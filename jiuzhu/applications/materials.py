"""Materials at the window (申请材料): a paper original seen (原件已核验, by whom and when)
or a scan (扫描件) counts as received; a county may require a scan of a material
(``MaterialSetting``, administrators' page ``applications:material_settings``, audited).

The acceptance check (``attachments.materials_missing``) and the intake's receipt
(一次性告知) ask the same functions here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error

from .models import Application, Attachment, MaterialSetting, OriginalSeen

SCANNED_KINDS = ("material", "authorisation")


def county_code(region_code: str) -> str:
    return (region_code or "")[:6]


def scans_required(region_code: str) -> frozenset[str]:
    """The materials the county of ``region_code`` wants scanned (seen is not enough)."""
    return frozenset(MaterialSetting.objects.filter(
        region__code=county_code(region_code), scan_required=True).values_list("material", flat=True))


def missing_of(required: tuple[str, ...] | list[str], *, seen: set[str], scanned: set[str],
               need_scan: frozenset[str]) -> list[str]:
    """The required materials not received: neither scanned nor (where a seen original is
    enough) seen."""
    return [m for m in required
            if m not in scanned and (m in need_scan or m not in seen)]


@dataclass
class MaterialRow:
    """One material of a case as the pages show it."""

    material: str
    scan_required: bool
    seen: OriginalSeen | None = None
    scans: list[Attachment] = field(default_factory=list)

    @property
    def received(self) -> bool:
        return bool(self.scans) or (self.seen is not None and not self.scan_required)


def materials_status(application: Application, required: tuple[str, ...]) -> list[MaterialRow]:
    """Each required material (then any other scanned one) with its original seen and scans."""
    need_scan = scans_required(application.region.code)
    seen = {o.material: o for o in application.originals.all()}
    scans: dict[str, list[Attachment]] = {}
    for attachment in application.attachments.all():
        if attachment.kind in SCANNED_KINDS:
            scans.setdefault(attachment.material, []).append(attachment)
    names = list(dict.fromkeys([*required, *seen]))
    return [MaterialRow(m, m in need_scan, seen.get(m), scans.get(m, [])) for m in names]


def application_missing(application: Application, required: tuple[str, ...]) -> list[str]:
    """What the acceptance check counts as missing (``attachments.materials_missing``)."""
    from .signing import signed_materials

    scanned = set(application.attachments.filter(kind__in=SCANNED_KINDS)
                  .values_list("material", flat=True)) | signed_materials(application)
    seen = set(application.originals.values_list("material", flat=True))
    return missing_of(required, seen=seen, scanned=scanned,
                      need_scan=scans_required(application.region.code))


def originals_record(*, application: Application, actor: Any, materials: list[str],
                     allowed: tuple[str, ...], path: str = "originals") -> list[str]:
    """Record the originals ``actor`` has just seen (原件已核验); a name outside ``allowed``
    is refused (422 naming ``path``); one already recorded keeps its first record."""
    names = [str(m).strip() for m in materials or [] if str(m).strip()]
    unknown = [m for m in names if m not in allowed]
    if unknown:
        raise field_error(path, _("不在材料清单中：%(names)s") % {"names": "、".join(unknown)})
    already = set(application.originals.values_list("material", flat=True))
    now = timezone.now()
    who = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""
    added = []
    for name in dict.fromkeys(names):
        if name in already:
            continue
        OriginalSeen.objects.create(application=application, material=name[:64],
                                    seen_by=actor if getattr(actor, "pk", None) else None,
                                    seen_by_name=who[:150], seen_at=now)
        added.append(name)
    return added


# --- the county's settings -------------------------------------------------------------------

def catalogue_materials(on: Any = None) -> list[tuple[str, list[str]]]:
    """Every material named by an item in force, with the items naming it (in catalogue order)."""
    from jiuzhu.catalogue.selectors import items_in_force

    out: dict[str, list[str]] = {}
    for item in items_in_force(on or timezone.localdate()):
        for material in item.materials or []:
            out.setdefault(str(material), []).append(item.code)
    return list(out.items())


def material_setting_set(*, actor: Any, county: Any, material: str, scan_required: bool) -> MaterialSetting:
    """An administrator sets whether ``material`` must be scanned in ``county``: 404 for a
    county the actor does not see, 403 without ``applications.edit_material_settings``,
    422 naming ``material`` for a name no item in force lists; audited (old → new)."""
    from jiuzhu.regions.models import Region

    if not Region.objects.visible_to(actor).filter(pk=county.pk, level="county").exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("县（市、区）不存在"))
    if not actor.has_perm("applications.edit_material_settings"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("只有系统管理员可以修改材料设置"))
    material = str(material or "").strip()
    if material not in dict(catalogue_materials()):
        raise field_error("material", _("不在任何事项的材料清单中：%(name)s") % {"name": material})
    with transaction.atomic():
        row = MaterialSetting.objects.select_for_update().filter(region=county, material=material).first()
        before = bool(row and row.scan_required)
        if row is None:
            row = MaterialSetting(region=county, region_path=county.path, material=material)
        row.scan_required = bool(scan_required)
        row.updated_by = actor if getattr(actor, "pk", None) else None
        row.save()
        audit_record(actor=actor, action="update", obj=row,
                     detail={"material": material, "before": "须扫描" if before else "原件核验即可",
                             "after": "须扫描" if row.scan_required else "原件核验即可"})
    return row
