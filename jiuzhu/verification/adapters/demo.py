"""A demo data source (演示数据源): what a department would answer, made up deterministically.

Most people match what their household declared; a few, chosen by a hash of the source
code and their ID number, have something more: a car, extra wages, undeclared deposits,
a second home, a business registration, housing-fund contributions implying wages. The
same person always gets the same answer, so a demo shows the same differences every time.

Household-level assets (vehicles, homes, deposits, business registration) are declared
for the household as a whole; the demo attributes them to the head, and needs the
declared household for that (:meth:`DemoAdapter.for_household`). Real sources never see
what was declared.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from .base import SourceResult
from .catalog import SOURCE_CODES, source_name

CENT = Decimal("0.01")

# Share of people (per mille) who get something they did not declare, per source.
SURPRISE_PER_MILLE = {
    "vehicles": 50, "real_estate": 25, "social_insurance": 80, "business": 15,
    "housing_fund": 40, "deposits": 50,
}


def _draw(code: str, id_number: str, salt: str = "") -> int:
    digest = hashlib.sha256(f"{code}|{id_number}|{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _age(member: dict[str, Any], on: date) -> int:
    try:
        born = date.fromisoformat(str(member.get("birth_date")))
    except ValueError:
        return 0
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class DemoAdapter:
    """Deterministic fake answers for one source, derived from each ID number."""

    def __init__(self, code: str, *, declared: dict[str, Any] | None = None):
        if code not in SOURCE_CODES:
            raise ValueError(f"unknown source {code!r}")
        self.code = code
        self.name = source_name(code)
        self.declared = declared

    def __repr__(self) -> str:
        return f"DemoAdapter({self.code!r})"

    def for_household(self, declared: dict[str, Any]) -> DemoAdapter:
        """The same source, knowing the household's declaration to stay close to it."""
        return DemoAdapter(self.code, declared=declared)

    def query(self, *, members: list[dict[str, Any]]) -> SourceResult:
        declared = self.declared or {}
        assets = declared.get("assets") or {}
        on = (date.fromisoformat(declared["assessment_date"]) if declared.get("assessment_date")
              else date(2026, 1, 1))
        head = next((m for m in members if m.get("relation") == "head"),
                    members[0] if members else None)
        facts: dict[str, dict[str, Any]] = {}
        for member in members:
            id_number = str(member["id_number"]).upper()
            draw = _draw(self.code, id_number)
            surprise = draw % 1000 < SURPRISE_PER_MILLE.get(self.code, 0)
            adult = 18 <= _age(member, on) <= 70
            found = getattr(self, f"_{self.code}")(
                member, is_head=member is head, assets=assets,
                surprise=surprise and adult, draw=draw // 1000)
            if found is not None:
                facts[id_number] = found
        payload = {"demo": True, "source": self.code,
                   "records": [{"id_number": k, **_plain(v)} for k, v in facts.items()]}
        return SourceResult(facts=facts, payload=payload)

    # One method per source: (member, is_head, declared assets, surprise, draw) -> facts.

    def _hukou(self, member, *, is_head, assets, surprise, draw):
        return {"name": member["name"], "id_number": str(member["id_number"]).upper(),
                "alive": True}

    def _vehicles(self, member, *, is_head, assets, surprise, draw):
        vehicles = [{"kind": v["kind"], "value": _decimal(v["value"]), "plate": ""}
                    for v in (assets.get("vehicles") or [])] if is_head else []
        if surprise:
            vehicles.append({"kind": "car", "value": Decimal(40000 + draw % 81 * 1000),
                             "plate": f"示A{draw % 100000:05d}"})
        return {"vehicles": vehicles} if vehicles else None

    def _real_estate(self, member, *, is_head, assets, surprise, draw):
        homes = []
        if is_head and int(assets.get("homes_owned") or 0) > 0:
            count = int(assets["homes_owned"])
            total = _decimal(assets.get("housing_area_m2"))
            each = (total / count).quantize(CENT)
            homes = [{"unit": f"DEMO{draw % 10**8:08d}{i}", "area_m2": each}
                     for i in range(count)]
            homes[-1]["area_m2"] = total - each * (count - 1)
        if surprise:
            homes.append({"unit": f"DEMO{draw % 10**8:08d}X", "area_m2": Decimal(60 + draw % 61)})
        return {"homes": homes} if homes else None

    def _social_insurance(self, member, *, is_head, assets, surprise, draw):
        income = member.get("income") or {}
        wages = _decimal(income.get("wages"))
        if surprise:
            wages += Decimal(12000 + draw % 25 * 1000)
        return {"wages": wages, "pension": _decimal(income.get("pension"))}

    def _business(self, member, *, is_head, assets, surprise, draw):
        registered = surprise or (is_head and bool(assets.get("business_registration")))
        if not registered:
            return None
        return {"business_registration": True,
                "enterprises": [f"示范县{member['name']}商贸有限公司"]}

    def _housing_fund(self, member, *, is_head, assets, surprise, draw):
        wages = _decimal((member.get("income") or {}).get("wages"))
        if surprise:
            base = Decimal(3000 + draw % 31 * 100)
        elif member.get("occupation") == "fixed_employment" and wages > 0:
            base = (wages / 12).quantize(Decimal(1))
        else:
            return None
        return {"contributions": (base * 12 * Decimal("0.24")).quantize(CENT),
                "implied_wages": base * 12}

    def _deposits(self, member, *, is_head, assets, surprise, draw):
        amount = _decimal(assets.get("financial_assets")) if is_head else Decimal(0)
        if surprise:
            amount += Decimal(50000 + draw % 251 * 1000)
        return {"financial_assets": amount} if amount or is_head else None


def _plain(value: Any) -> Any:
    """Facts as JSON: decimals as strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
