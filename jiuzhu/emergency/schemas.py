"""Typed request and response bodies of the emergency API (``50-api.md``)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class CaseIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    household_id: int | str = Field(description="the household's id or household number")
    cause: str = Field(description="illness, accident, fire, disaster, earner_lost, "
                                   "no_subsistence, homeless, other")
    occurred_on: str = Field(description="YYYY-MM-DD")
    narrative: str = Field(description="what happened")
    checklist: list[str] = Field(default_factory=list,
                                 description="ticked items E01–E11 (E07 and E09 are computed, never sent)")
    sudden_expense: str = Field("0.00", description="the sudden expense in yuan (E07)")
    source: str = Field("", description="window, grid_worker, village_assistant, hotline, "
                                        "love_station (default: by the user's role)")


class CaseOut(Schema):
    id: int
    number: str
    level: Literal["red", "yellow", "blue", "green"]
    score: int
    critical: list[str]
    respond_by: str
    explanation: str
    state: str
    alert: Literal["none", "yellow", "red"]
    household_id: str
    cause: str
    opened_at: str
    responded_at: str | None
    response: str | None
    papers_due: str | None
    application_number: str | None


class CaseListOut(Schema):
    count: int
    items: list[CaseOut]


class CommitmentIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    emergency_id: int
    amount: str = Field(description="yuan, e.g. \"2000.00\"")


class CommitmentOut(Schema):
    id: int
    fund_id: int
    kind: str
    amount: str
    on: str
    voucher: str
    case_id: int | None
    case_number: str
    level: str
