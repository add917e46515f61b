"""``POST /api/v1/selfcheck`` (我能申请吗): no login, nothing stored, limited per address."""

from __future__ import annotations

from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from jiuzhu.audit.context import client_ip
from jiuzhu.core.api_types import ErrorOut, IsoDate, MoneyText, json_body
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.households.schemas import HouseholdDoc, MemberDoc

from .selfcheck import MAX_AGE, check_allowed, household_from_input
from .selfcheck import selfcheck as selfcheck_run

router = Router(tags=["自测 selfcheck"])


class SelfcheckMemberDoc(MemberDoc):
    """A member as ``household.schema.json``, or with ``age`` (and ``sex``) in place of
    ``id_number`` and ``birth_date``."""

    id_number: str | None = Field(None, description="18 位公民身份号码（或改填 age）")  # type: ignore[assignment]
    birth_date: IsoDate | None = None  # type: ignore[assignment]
    age: int | None = Field(None, ge=0, le=MAX_AGE, description="周岁（代替身份证号码和出生日期）")
    sex: Literal["male", "female"] | None = Field(
        None, description="与 age 一起填写：性别（两癌救助、单亲母亲帮扶需要），缺省为 male")


class SelfcheckHouseholdDoc(HouseholdDoc):
    """The self-check's body: a household as ``household.schema.json``; ``household_id`` and
    ``assessment_date`` (today) may be left out; members may give their age."""

    household_id: str | None = None  # type: ignore[assignment]
    assessment_date: IsoDate | None = None  # type: ignore[assignment]
    members: list[SelfcheckMemberDoc]  # type: ignore[assignment]


class EstimateOut(Schema):
    low: MoneyText
    high: MoneyText


class SelfcheckItemOut(Schema):
    item_code: str
    likelihood: Literal["likely", "perhaps", "unlikely"]
    estimate: EstimateOut | None = Field(
        description="每月金额（元）的大致范围：低保（MZ01）、特困供养（MZ03）；其他事项为 null")
    reason: str


class SelfcheckOut(Schema):
    items: list[SelfcheckItemOut]


@router.post("/selfcheck", auth=None,
             response={200: SelfcheckOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
             openapi_extra=json_body(SelfcheckHouseholdDoc),
             summary="我能申请吗 Self-check (no login, nothing stored)")
def selfcheck(request):
    """An indicative answer per catalogue item: ``likely`` / ``perhaps`` / ``unlikely``,
    the estimated monthly amount range of the money items, and the reason. 结果仅供参考，
    是否符合条件以经办机构审核认定为准. Nothing is stored; 429 after the hourly limit per
    address (``SELF_CHECK_MAX_PER_HOUR``); 422 naming every wrong field."""
    check_allowed(client_ip(request))  # counted before the body is read
    household = household_from_input(loads_exact(request.body or b""))
    return {"items": selfcheck_run(household)}
