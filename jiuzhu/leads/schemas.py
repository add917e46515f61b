"""Schemas of the leads API: the bodies taken and the lead returned with its visit tasks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, Field

from jiuzhu.core.api_types import IsoDate, IsoDateTime

from .choices import LeadSource, LeadStatus, Outcome, TaskStatus, Urgency


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


OptionalDate = Annotated[date | None, BeforeValidator(_blank_is_none)]
Coordinate = Annotated[Decimal | str | None, Field(description="经纬度（度），最多 6 位小数")]


class LeadIn(Schema):
    """登记线索. The service checks every field and names each wrong one (422)."""

    source: str = Field("", description="hotline, love_station, grid_worker, other")
    person_name: str = ""
    region_code: str = Field("", description="村（社区）或网格的区划代码")
    description: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    station_id: int | None = Field(None, description="爱心驿站编号（登记在册的驿站；来源即为 love_station）")
    station_name: str = Field("", description="未登记的爱心驿站名称（love_station 且无 station_id 时必填）")
    id_number: str = ""
    phone: str = ""
    address: str = ""
    urgency: str = Field("", description="normal（默认）, urgent, critical")


class ConvertIn(Schema):
    """转为家庭档案和走访任务: all optional."""

    id_number: str = ""
    health: str = ""
    occupation: str = ""
    area_type: str = Field(default="", description="urban 或 rural（没有在册家庭时必填）")
    assignee: str = Field(default="", description="走访人用户名（默认：网格责任人）")


class VisitOutcomeIn(Schema):
    """走访结果: without an outcome nothing is closed (422 naming `outcome`)."""

    outcome: str = Field("", description="applied, already_assisted, not_eligible, unreachable, referred")
    visited_on: OptionalDate = None
    findings: str = ""
    outcome_note: str = ""
    referred_to: str = Field("", description="转往的部门（referred 必填）")
    linked_number: str = Field("", description="申请编号或受理单号（applied）")
    latitude: Coordinate = None
    longitude: Coordinate = None


class VisitTaskOut(Schema):
    id: int
    sequence: int
    status: TaskStatus
    assignee: str
    started_on: IsoDate
    due_on: IsoDate
    limit_days: int = Field(description="走访时限（工作日）：紧急 1，较急 2，一般 3")
    visited_on: IsoDate | None
    findings: str
    outcome: Outcome | None
    outcome_note: str
    referred_to: str
    linked_number: str
    latitude: str | None
    longitude: str | None
    household_id: str


class LeadOut(Schema):
    id: int
    number: str
    source: LeadSource
    status: LeadStatus
    reporter_name: str
    reporter_phone: str
    station_id: int | None
    station_name: str
    person_name: str
    id_number: str
    phone: str
    address: str
    region_code: str
    description: str
    urgency: Urgency
    household_id: str | None
    outcome: Outcome | None
    outcome_note: str
    created_at: IsoDateTime
    closed_at: IsoDateTime | None
    tasks: list[VisitTaskOut]
