"""The household of ``household.schema.json`` as django-ninja schemas (家庭信息).

The household is an open JSON document: the schemas name every field the specification
knows and allow more (``extra="allow"``), so a response is described without changing it.
A registration is validated by the rules engine's validator (``jiuzhu.rules.validation``),
which names every wrong field at once (``members[1].id_number``); these schemas document
that body, they do not replace the validator.
"""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from jiuzhu.core.api_types import IsoDate, json_body

Number = int | float
AreaType = Literal["urban", "rural"]


class OpenSchema(BaseModel):
    """Part of the open household document: named fields, and any more kept as they are
    (a pydantic model: django-ninja's Schema reads attributes and would drop them)."""

    model_config = ConfigDict(extra="allow")


class IncomeDoc(OpenSchema):
    wages: Number = 0
    business: Number = 0
    property: Number = 0
    transfer: Number = 0
    pension: Number = 0


class MemberDoc(OpenSchema):
    member_id: str
    name: str
    id_number: str = Field(description="18 位公民身份号码")
    relation: str = Field(description="head, spouse, child, parent, grandchild, grandparent, sibling, other")
    birth_date: IsoDate
    health: str
    occupation: str
    in_school: bool = False
    school_level: str = "none"
    public_servant: bool = False
    refused_job_offers: int = 0
    orphan_or_unsupported: bool = False
    care_level: str | None = None
    income: IncomeDoc | None = None


class SupporterDoc(OpenSchema):
    name: str
    relation: str | None = None
    annual_income: Number = 0
    supports: list[str]
    exempt: str | None = None
    large_assets: bool = False


class VehicleDoc(OpenSchema):
    kind: str
    value: Number


class ExpendituresDoc(OpenSchema):
    medical: Number = 0
    education: Number = 0
    insurance_premiums: Number = 0
    other_rigid: Number = 0


class AssetsDoc(OpenSchema):
    vehicles: list[VehicleDoc] = []
    homes_owned: int = 0
    housing_area_m2: Number = 0
    dilapidated_housing: bool = False
    financial_assets: Number = 0
    business_registration: bool = False
    large_machinery_value: Number = 0
    livestock_sheep_units: Number = 0
    contracted_land_mu: Number = 0
    commercial_insurance_premium_annual: Number = 0
    debts: Number = 0


class FlagsDoc(OpenSchema):
    home_purchased_within_12m: bool = False
    private_school_or_abroad: bool = False
    refuses_verification: bool = False
    false_information: bool = False
    asset_transfer_or_split: bool = False
    single_parent: bool = False
    recent_hardship_event: bool = False


class HouseholdDoc(OpenSchema):
    """A household as ``household.schema.json`` (the body of ``POST /households`` and of
    ``POST /assess``)."""

    household_id: str
    region_code: str = Field(description="GB/T 2260 区划代码（县、乡镇或村）")
    area_type: AreaType
    assessment_date: IsoDate
    address: str | None = None
    phone: str | None = None
    members: list[MemberDoc]
    supporters: list[SupporterDoc] = []
    expenditures: ExpendituresDoc | None = None
    assets: AssetsDoc | None = None
    flags: FlagsDoc | None = None


class HouseholdOut(HouseholdDoc):
    """The household as registered, with its database ``id``."""

    id: int


class HouseholdCreatedOut(Schema):
    id: int
    household_id: str


HOUSEHOLD_BODY = json_body(HouseholdDoc)
