"""Schemas of the assessment API: the result of 10-rules.md and the 大处方 entries."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict

from jiuzhu.core.api_types import IsoDate

# Open documents are pydantic models with extra="allow": django-ninja's Schema reads
# attributes and would drop the fields it does not name.
Yuan = str  # yuan with two decimals, as the engine writes it ("1234.50")


class Quantity(BaseModel):
    label: str
    value: str
    unit: str


class Decision(BaseModel):
    model_config = ConfigDict(extra="allow")

    eligible: bool
    reason: str


class Explanation(BaseModel):
    """Every figure with its label and unit, the members' rows, the vetoes, the decision,
    the hardship index, the parameters in force with their references, and the rules."""

    model_config = ConfigDict(extra="allow")

    county: str
    assessment_date: IsoDate
    area_type: Literal["urban", "rural"]
    quantities: dict[str, Quantity]
    decision: Decision


class AssessmentOut(Schema):
    """The result of one household (10-rules.md, “Input and output”)."""

    household_id: str
    program: str
    parameters_effective: IsoDate
    members: int
    standard: Yuan
    gross_annual_income: Yuan
    deductions: Yuan
    per_capita_monthly_income: Yuan
    vetoes: list[str]
    eligible: bool
    benefit_monthly: Yuan
    circle: int
    hardship_index: str
    explanation: Explanation


class PrescriptionEntryOut(Schema):
    """One catalogue item of the comprehensive assessment (15-programs.md)."""

    item_code: str
    status: Literal["eligible", "possible", "receiving", "not_eligible"]
    reason: str
    order: int
    overlaps: list[str]
