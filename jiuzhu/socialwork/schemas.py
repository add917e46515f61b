"""Typed schemas of the socialwork API. No schema carries an income, an ID number or a
household page: what a social worker reads of the family is its contact, village, address,
phone and needs."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from .choices import CaseState, GoalOutcome, NeedKind, Phase, ReferralTarget, Trigger, VisitKind


class CaseOpenIn(Schema):
    household_id: int = Field(title="家庭")
    phase: Phase = Field(title="介入阶段")
    trigger: Trigger = Field(title="触发原因")
    emergency_case_id: int | None = Field(None, title="急难个案")
    application_id: int | None = Field(None, title="救助申请")
    lead_id: int | None = Field(None, title="线索")
    social_worker: str | None = Field(None, title="社工")
    summary: str = Field("", title="需求概述")


class GoalOut(Schema):
    id: int
    text: str
    target_date: date | None
    outcome: GoalOutcome | None


class SocialNeedOut(Schema):
    id: int
    kind: NeedKind
    kind_label: str
    description: str
    goals: list[GoalOut]


class VisitOut(Schema):
    id: int
    due_on: date | None
    done_on: date | None
    kind: VisitKind | None
    notes: str
    alert: str
    photos: int


class ReferralOut(Schema):
    id: int
    target: ReferralTarget
    name: str
    xingfu_need_id: int | None
    note: str
    referred_at: datetime


class SocialCaseOut(Schema):
    id: int
    number: str
    phase: Phase
    phase_label: str
    trigger: Trigger
    trigger_label: str
    state: CaseState
    state_label: str
    contact_name: str
    village: str
    address: str
    phone: str
    summary: str
    organisation: str
    social_worker: str | None
    social_worker_name: str | None
    emergency_case_id: int | None
    application_id: int | None
    lead_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    closing_note: str
    next_visit_due: date | None
    alert: str
    needs: list[SocialNeedOut]
    visits: list[VisitOut]
    referrals: list[ReferralOut]
    actions: list[str]


class SocialCaseListOut(Schema):
    count: int
    results: list[SocialCaseOut]


class PhotoIn(Schema):
    name: str = Field("photo.jpg", title="文件名")
    content_base64: str = Field(title="照片")
