"""Schemas of the payroll API (发放花名册)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from jiuzhu.core.api_types import IsoDateTime, MoneyText, MonthText

from .choices import PayrollStatus


class RegionRef(Schema):
    code: str
    name: str


class PayrollOut(Schema):
    """A township's monthly payroll list; ``download`` is its Excel file."""

    id: int
    township: RegionRef
    month: MonthText
    status: PayrollStatus
    count: int = Field(description="人（户）数")
    total: MoneyText
    sha256: str
    generated_at: IsoDateTime
    generated_by: str | None
    confirmed_at: IsoDateTime | None
    confirmed_by: str | None
    download: str


class PayrollList(Schema):
    count: int
    items: list[PayrollOut]


class PayrollIn(Schema):
    """生成花名册: a township (its region code) and a month; generating a month again updates
    the same list until it is confirmed."""

    township: str = Field(description="乡镇（街道）区划代码，如 990102001")
    month: MonthText
