"""Schemas of the 幸福云 API: a need as published (the village only) or in full (staff, and
the provider holding its order), an order, and the bodies taken."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from jiuzhu.core.api_types import IsoDateTime


class NeedIn(Schema):
    """发布服务需求. The service checks every field and names each wrong one (422)."""

    household_id: str = Field("", description="家庭编号 (staff)")
    social_case_id: int | None = Field(None, description="社工个案: a social worker, for the "
                                       "family of one of their open cases")
    lead_id: int | None = Field(None, description="线索: a station keeper, for the family of a "
                                "lead reported under their station")
    skill: str = Field("", description="meals, cleaning, bathing, escort, repairs, counselling, "
                                       "legal, tutoring, shopping")
    description: str = ""
    starts_at: str = Field("", description="ISO 8601, e.g. 2026-12-07T09:00")
    ends_at: str = Field("", description="ISO 8601, after starts_at")
    address: str = Field("", description="服务地址（默认：家庭住址）")
    phone: str = ""
    latitude: str | None = None
    longitude: str | None = None
    publish: bool = Field(True, description="false keeps it a draft (no matching yet)")


class OfferOut(Schema):
    id: int
    provider: str
    round: int
    rank: int
    reason: str
    offered_at: IsoDateTime
    expires_at: IsoDateTime
    answer: str


class NeedOut(Schema):
    """A need. ``address``, ``phone`` and ``household`` are null for a provider until they
    hold its order; ``offers`` (the matching with reasons) only for staff."""

    id: int
    number: str
    skill: str
    skill_label: str
    description: str
    village: str
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    state: str
    state_label: str
    round: int
    address: str | None = None
    phone: str | None = None
    household: str | None = Field(None, description="户主姓名（only with the address）")
    order_id: int | None = None
    station_id: int | None = Field(None, description="the love station that posted it")
    social_case_id: int | None = Field(None, description="the social-work case it was posted from")
    offers: list[OfferOut] | None = None


class NeedListOut(Schema):
    count: int
    items: list[NeedOut]


class OrderOut(Schema):
    id: int
    need_id: int
    state: str
    provider: str
    accepted_at: IsoDateTime
    check_in_at: IsoDateTime | None = None
    check_out_at: IsoDateTime | None = None
    minutes: int | None = None
    rating: int | None = None
    points: int = 0
    address: str
    phone: str


class LocationBody(Schema):
    latitude: str | None = None
    longitude: str | None = None


class ConfirmBody(Schema):
    rating: int | None = Field(None, description="1–5")
    comment: str = ""
