"""Typed bodies of ``GET /api/v1/reports/recipients`` (50-api.md)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema

from jiuzhu.core.api_types import MoneyText

Programme = Literal["urban_dibao", "rural_dibao", "tekun", "low_income", "temporary"]
Relation = Literal["head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling",
                   "other"]
Health = Literal["healthy", "chronic_illness", "mild_disability", "moderate_disability",
                 "serious_illness", "severe_disability"]


class RecipientMemberOut(Schema):
    name: str
    id_number: str
    relation: Relation
    health: Health
    labour_capacity: Literal["full", "partial", "none"]


class RecipientOut(Schema):
    """One recipient case of the month, as one line of the exchange file."""

    household_number: str
    region_code: str
    programme: Programme
    start_month: str | None
    amount: MoneyText
    circle: int
    members: list[RecipientMemberOut]


class RecipientsOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[RecipientOut]
