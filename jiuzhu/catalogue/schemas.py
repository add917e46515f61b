"""Schemas of ``GET /api/v1/catalogue/items`` (50-api.md)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from jiuzhu.core.api_types import IsoDate


class DepartmentRef(Schema):
    code: str
    name: str


class ItemConditionOut(Schema):
    """When the 大处方 recommends the item (``eligible``, 符合) and when it may apply
    (``possible``, 可能符合): conditions over the engine's facts (jiuzhu/rules/conditions.py);
    both null: decided on request."""

    eligible: str | None
    possible: str | None


class CatalogueItemOut(Schema):
    """An item in force: the fields of 50-api.md plus its materials and version date."""

    code: str
    name: str
    department: DepartmentRef
    level: Literal["township", "county"]
    limit: int
    program: Literal["dibao", "low_income", "tekun", "rigid_expense", "temporary",
                     "emergency"] | None
    materials: list[str]
    valid_from: IsoDate
    condition: str | None = Field(description="50-api.md: the item's eligibility expression "
                                  "(符合; 可能符合 where the item has only that), null: "
                                  "decided only on request")
    conditions: ItemConditionOut
