"""Schemas of the points and supermarket API: points are whole numbers."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field


class SummaryOut(Schema):
    issued: int = Field(description="已发放积分（服务积分）")
    redeemed: int = Field(description="已兑换核销积分")
    balances_total: int = Field(description="志愿者、家庭、超市账户余额合计 = issued − redeemed")


class PointsEntryOut(Schema):
    id: int
    kind: str = Field(description="issue 服务积分发放, transfer 转赠, redeem 兑换")
    amount: int = Field(description="积分（正数）")
    change: int = Field(description="对本账户的变动：转入为正，转出为负")
    on: date
    counterpart: str = Field(description="对方账户名称")
    order_id: int | None = Field(description="服务订单 id（发放）")
    redemption_id: int | None = Field(description="兑换单 id（兑换）")


class AccountOut(Schema):
    id: int
    kind: str = Field(description="volunteer 志愿者, family 家庭, supermarket 爱心超市")
    name: str
    region_code: str
    balance: int
    entries: list[PointsEntryOut]


class TransferIn(Schema):
    source_account_id: int = Field(description="志愿者积分账户 id（志愿者本人：自己的账户）")
    target_account_id: int | None = Field(default=None, description="家庭积分账户 id")
    target_household_id: int | None = Field(
        default=None, description="家庭 id（工作人员；无账户时开户）")
    amount: int = Field(description="转赠积分")
    note: str = ""


class FamilyChoiceOut(Schema):
    """A family a volunteer may give points to: name and village only."""

    household_id: int
    name: str
    village: str


class TransferOut(Schema):
    id: int
    amount: int
    source_account_id: int
    source_balance: int = Field(description="转赠后志愿者账户余额")
    target_account_id: int


class LineIn(Schema):
    good_id: int
    quantity: int


class RedemptionIn(Schema):
    account_id: int | None = Field(default=None, description="积分账户 id（家庭或志愿者）")
    household_id: int | None = Field(default=None, description="家庭 id（工作人员）")
    lines: list[LineIn]


class LineOut(Schema):
    good_id: int
    name: str
    quantity: int
    points: int


class RedemptionOut(Schema):
    id: int
    account_id: int
    total: int = Field(description="合计积分")
    balance: int = Field(description="兑换后账户余额")
    on: date
    lines: list[LineOut]


class GoodOut(Schema):
    id: int
    name: str
    unit: str
    price: int = Field(description="兑换积分")
    stock: int
    region_code: str = Field(description="超市所在区划代码")
    region_name: str
