"""Schemas of the contracts API (money in integer fen)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from jiuzhu.core.api_types import IsoDate


class ContractIn(Schema):
    """登记合同. The service checks every field and names each wrong one (422)."""

    number: str = Field("", description="合同编号")
    organisation_id: int | None = Field(None, description="调查机构 id")
    region_code: str = Field("", description="购买服务的地区代码（默认本人所在地区）")
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    price_fen: int = Field(0, ge=0, description="每户价格（分），示范 20000")
    advance_fen: int = Field(0, ge=0, description="预付款（分），示范 10000000")
    funding_source: str = Field("budget", description="budget, assistance_fund, lottery, other")
    cap: int | None = Field(None, ge=1, description="户数上限（可不填）")


class ContractOut(Schema):
    id: int
    number: str
    organisation_id: int
    organisation: str
    region_code: str
    starts_on: str
    ends_on: str
    price_fen: int
    advance_fen: int
    advance_left_fen: int
    funding_source: str
    cap: int | None
    investigations: int
    settlements: list[int]


class PeriodIn(Schema):
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None


class StatementRowOut(Schema):
    application: str
    head_name: str
    village: str
    accepted_on: str | None
    returns: int


class SettlementOut(Schema):
    id: int
    contract_id: int
    contract: str
    period_start: str
    period_end: str
    accepted_count: int
    price_fen: int
    amount_fen: int
    advance_before_fen: int
    advance_applied_fen: int
    due_fen: int
    refund_fen: int
    advance_after_fen: int
    final: bool
    locked: bool
    households: list[StatementRowOut]
