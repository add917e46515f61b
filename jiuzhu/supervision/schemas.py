"""Schemas of the reviews (动态管理) and tip-offs (举报核查) API."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

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
    reason: str = Field(min_length=1)
    scheduled_at: str = Field(min_length=1)
    place: str = Field(min_length=1)


class SuspendIn(Schema):
    reasons: str = Field(min_length=1)
    requirements: str = ""


class RecoveryIn(Schema):
    from_month: MonthText
    to_month: MonthText
    reasons: str = Field(min_length=1)


class CloseIn(Schema):
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
