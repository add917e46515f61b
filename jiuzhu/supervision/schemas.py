"""Schemas of the reviews (动态管理) and tip-offs (举报核查) API."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from jiuzhu.core.api_types import IsoDate, IsoDateTime, MoneyText, MonthText

from .choices import Closure, Outcome, TaskStatus, TipOffAction, TipOffSource, TipOffStatus


class CaseRef(Schema):
    """The case (an application) a review or tip-off is about."""

    id: int
    number: str
    item_code: str
    state: str
    household_id: str
    head_name: str
    approved_amount: MoneyText | None


class DocumentRef(Schema):
    code: str
    version: int
    number: str
    title: str
    url: str


class ReviewTaskOut(Schema):
    id: int
    application: CaseRef
    review_class: str
    due_on: IsoDate
    overdue: bool
    status: TaskStatus
    outcome: Outcome | None
    amount_before: MoneyText | None
    amount_after: MoneyText | None
    note: str
    done_at: IsoDateTime | None
    done_by: str | None
    documents: list[DocumentRef]


class ReviewTaskList(Schema):
    count: int
    items: list[ReviewTaskOut]


class StatementIn(Schema):
    """陈述申辩告知 (D23), before an adverse decision."""

    model_config = ConfigDict(str_strip_whitespace=True)

    decision: str = Field(min_length=1, description="拟作出的决定")
    facts: str = Field(min_length=1, description="认定的事实")
    legal_basis: str = ""
    respond_by: date | None = None


class TipOffIn(Schema):
    household_id: str = Field(min_length=1, description="家庭编号")
    source: TipOffSource
    received_on: date
    content: str = Field(min_length=1, description="举报内容")


class InterviewIn(Schema):
    """约谈通知 (D20)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    reason: str = Field(min_length=1)
    scheduled_at: str = Field(min_length=1)
    place: str = Field(min_length=1)


class SuspendIn(Schema):
    """暂停发放 (D22) while the tip-off is checked; the case must be in payment."""

    model_config = ConfigDict(str_strip_whitespace=True)

    reasons: str = Field(min_length=1, description="暂停理由")
    requirements: str = Field("", description="需说明或提供的材料")
    respond_by: date | None = None


class RecoveryIn(Schema):
    """责令退还 (D21) what was paid for the months of the period; needs D23 first."""

    model_config = ConfigDict(str_strip_whitespace=True)

    from_month: MonthText
    to_month: MonthText
    reasons: str = Field(min_length=1)
    deadline: date | None = None

    @field_validator("to_month")
    @classmethod
    def _ordered(cls, value: str, info: ValidationInfo) -> str:
        if value < info.data.get("from_month", ""):
            raise ValueError(_("截止月份不能早于起始月份"))
        return value


class CloseIn(Schema):
    """结案 (D24): none, resume (a suspended case) or stop (needs D23)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    summary: str = Field(min_length=1, description="核查情况概述")
    findings: str = ""
    decision: Closure = Closure.NONE


class TipOffEventOut(Schema):
    action: TipOffAction
    document_code: str
    data: dict[str, str]
    at: IsoDateTime
    actor: str


class TipOffOut(Schema):
    id: int
    application: CaseRef
    source: TipOffSource
    content: str
    received_on: IsoDate
    status: TipOffStatus
    findings: str
    recovery_amount: MoneyText | None
    closure: Closure | None
    closed_on: IsoDate | None
    events: list[TipOffEventOut]
    documents: list[DocumentRef]


class TipOffRow(Schema):
    id: int
    application: CaseRef
    source: TipOffSource
    received_on: IsoDate
    status: TipOffStatus
    closure: Closure | None
    closed_on: IsoDate | None


class TipOffRows(Schema):
    count: int
    items: list[TipOffRow]
