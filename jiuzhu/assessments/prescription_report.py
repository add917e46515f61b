"""大处方统计: for a region (a county, usually), how many households of each township each
catalogue item is recommended for and may be applied for — the 大处方 of every household
at once, counted.

- **推荐** (recommended): the item is 符合 on the household's 大处方 page (pre-ticked);
- **可申请**: it may be ticked there — 可能符合, or decided on request (可申请（依申请审核）);
- a household already receiving the item (正在享受) counts in neither.

The registry is read through the batch re-assessment's bulk read (:func:`.loader.load_chunk`,
plain SQL into arrays, chunk by chunk) with the members' extra fields, decided by
:func:`jiuzhu.rules.prescription.prescription_arrays` (no reasons are written: nobody reads
them here), and counted per township with numpy. So a county of 100,000 households is a
few seconds (``jiuzhu bench_prescription``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region
from jiuzhu.rules.prescription import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    POSSIBLE,
    prescription_arrays,
)

from .item_conditions import on_request_codes, rules_in_force
from .loader import load_chunk
from .prescription import items_receiving_in

CHUNK = 50_000


@dataclass
class ReportRow:
    """One township (``code`` "" for the total row): households, and per item (in the
    report's ``items`` order: the items in force) the households it is recommended for and may be applied for."""

    code: str
    name: str
    households: int
    recommended: list[int]
    applicable: list[int]

    @property
    def cells(self) -> list[tuple[int, int]]:
        return list(zip(self.recommended, self.applicable, strict=True))


@dataclass
class PrescriptionReport:
    region: Region
    on: date
    items: list[tuple[str, str]]  # (code, name) of every item in force, the engine's order
    rows: list[ReportRow]
    total: ReportRow
    timings: dict[str, float] = field(default_factory=dict)


def township_code(path: str) -> str:
    """The township (乡镇/街道) of a region path ``99/9901/990102/990102001/…/``; a
    household registered above a township counts under the deepest region it names."""
    parts = path.strip("/").split("/")
    return parts[3] if len(parts) >= 4 else parts[-1]


def prescription_report(*, actor: Any, region: Region | None = None, on: date | None = None,
                        chunk_size: int = CHUNK) -> PrescriptionReport:
    """The 大处方统计 of the active households under ``region`` (the actor's own region
    when omitted): 404 for a region the actor may not see, 403 without the ranking's
    permission (the same people see both)."""
    region = region or getattr(actor, "region", None) or Region.objects.filter(parent=None).first()
    if region is None or not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("区划不存在"))
    require(actor, region.path, "assessments.view_ranking", what=_("区划"))
    on = on or timezone.localdate()
    rules = rules_in_force(on)
    item_codes = [r.code for r in rules]
    column_of = {code: i for i, code in enumerate(item_codes)}
    on_request = on_request_codes(rules)
    on_request_columns = np.asarray([code in on_request for code in item_codes], dtype=np.bool_)
    started = time.perf_counter()
    receiving = items_receiving_in(region)
    seconds_receiving = time.perf_counter() - started

    towns: dict[str, int] = {}
    households = np.zeros(0, dtype=np.int64)
    recommended = np.zeros((0, len(item_codes)), dtype=np.int64)
    applicable = np.zeros((0, len(item_codes)), dtype=np.int64)
    seconds_read = seconds_decide = 0.0
    cursor = 0
    while True:
        tick = time.perf_counter()
        chunk = load_chunk(path_prefix=region.path, after_pk=cursor, limit=chunk_size,
                           assessment_date=on, extras=True)
        seconds_read += time.perf_counter() - tick
        if len(chunk.household_pks) == 0:
            break
        tick = time.perf_counter()
        assert chunk.extras is not None
        held = np.zeros((len(chunk.household_pks), len(item_codes)), dtype=np.bool_)
        if receiving:
            for row, pk in enumerate(chunk.household_pks.tolist()):
                for code in receiving.get(pk, ()):
                    if code in column_of:
                        held[row, column_of[code]] = True
        status = prescription_arrays(chunk.batch, chunk.extras, receiving=held,
                                     items=rules).status
        codes = [township_code(path) for path in chunk.region_paths]
        for code in dict.fromkeys(codes):
            towns.setdefault(code, len(towns))
        town = np.asarray([towns[c] for c in codes], dtype=np.int64)
        size = len(towns)
        households = np.pad(households, (0, size - len(households)))
        recommended = np.pad(recommended, ((0, size - len(recommended)), (0, 0)))
        applicable = np.pad(applicable, ((0, size - len(applicable)), (0, 0)))
        households += np.bincount(town, minlength=size)
        for t in np.unique(town).tolist():
            rows = status[town == t]
            recommended[t] += (rows == ELIGIBLE).sum(axis=0)
            applicable[t] += ((rows == POSSIBLE)
                              | ((rows == NOT_ELIGIBLE) & on_request_columns)).sum(axis=0)
        cursor = int(chunk.household_pks[-1])
        seconds_decide += time.perf_counter() - tick

    names = dict(Region.objects.filter(code__in=list(towns)).values_list("code", "name"))
    above_county = region.level in ("province", "city")
    counties = (dict(Region.objects.filter(code__in={c[:6] for c in towns})
                     .values_list("code", "name")) if above_county else {})
    rows = []
    for code, t in sorted(towns.items()):
        name = names.get(code, code)
        if above_county and code[:6] in counties and code[:6] != code:
            name = f"{counties[code[:6]]} {name}"
        rows.append(ReportRow(code=code, name=name, households=int(households[t]),
                              recommended=recommended[t].tolist(),
                              applicable=applicable[t].tolist()))
    total = ReportRow(code="", name=_("合计"), households=int(households.sum()),
                      recommended=recommended.sum(axis=0).tolist() if len(rows) else [0] * len(item_codes),
                      applicable=applicable.sum(axis=0).tolist() if len(rows) else [0] * len(item_codes))
    return PrescriptionReport(
        region=region, on=on, items=[(r.code, r.name) for r in rules],
        rows=rows, total=total,
        timings={"receiving": seconds_receiving, "read": seconds_read, "decide": seconds_decide},
    )

