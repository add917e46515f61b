"""Schemas of the funds API: money as strings with two decimals ("123.45")."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field


class FundOut(Schema):
    id: int
    name: str = Field(description="基金或备用金名称")
    region_code: str = Field(description="所属区划代码")
    balance: str = Field(description="余额（元，两位小数）", examples=["123.45"])
    available: str = Field(description="可用余额 = 余额 − 未支付的预留（元）",
                           examples=["100.00"])


class FundEntryOut(Schema):
    id: int
    kind: str = Field(description="income, allocation, commitment, payment, release, recovery")
    amount: str = Field(description="金额（元）；冲销分录为负数", examples=["-50.00"])
    on: date
    voucher: str = Field(description="凭证号")
    case_id: int | None = Field(description="急难个案 id")


class LedgerOut(Schema):
    balance: str = Field(description="余额 = Σ 收入 + 追回 − 划拨 − 支付（元）")
    available: str
    entries: list[FundEntryOut]
