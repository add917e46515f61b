"""Schemas of the verification API: requests, their report (D08) and decisions."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field, JsonValue

from jiuzhu.core.api_types import IsoDateTime

from .choices import Decision, FindingStatus, RequestStatus, ResponseStatus


class MemberCovered(Schema):
    member_id: str
    name: str
    id_number: str


class HouseholdRef(Schema):
    id: int
    household_id: str
    head_name: str


class VerificationRequestRow(Schema):
    """A request in a list, with its finding counts."""

    id: int
    household: HouseholdRef
    status: RequestStatus
    requested_at: IsoDateTime
    requested_by: str
    completed_at: IsoDateTime | None
    sources: list[str]
    differences: int
    open_matters: int


class VerificationRequestList(Schema):
    count: int
    page: int
    pages: int
    items: list[VerificationRequestRow]


# --- the report --------------------------------------------------------------------------


class ReportRequest(Schema):
    id: int
    status: RequestStatus
    status_label: str
    requested_at: IsoDateTime | None
    requested_by: str
    completed_at: IsoDateTime | None
    last_run_at: IsoDateTime | None
    authorisation_sha256: str


class ReportHousehold(Schema):
    id: int
    household_id: str
    head_name: str
    address: str
    region: str
    member_count: int


class ReportSource(Schema):
    code: str
    name: str
    department: str
    status: ResponseStatus
    status_label: str
    received_at: IsoDateTime | None
    error: str
    failed_attempts: int


class ReportLine(Schema):
    """One compared value: what was declared, what the source found, and what was decided."""

    field: str
    label: str
    declared: JsonValue
    found: JsonValue
    declared_display: str
    found_display: str
    difference: str
    differs: bool
    matters: bool
    applicable: bool
    note: str
    detail: dict[str, JsonValue]
    breakdown: list[str]
    finding_id: int | None
    status: Literal["", "open", "accepted", "dismissed"]
    status_label: str
    reason: str
    decided_by: str
    decided_at: IsoDateTime | None


class ReportGroupSource(Schema):
    code: str
    name: str
    status: ResponseStatus
    status_label: str
    lines: list[ReportLine]


class ReportGroup(Schema):
    """One member (or ``member_id`` "" for the household's totals) and what each source said."""

    member_id: str
    name: str
    id_number: str
    sources: list[ReportGroupSource]


class ReportSummary(Schema):
    differences: int
    matters: int
    open: int
    open_matters: int
    accepted: int
    dismissed: int


class VerificationReport(Schema):
    """家庭经济状况核对报告 (D08)."""

    request: ReportRequest
    household: ReportHousehold
    sources: list[ReportSource]
    groups: list[ReportGroup]
    summary: ReportSummary
    complete: bool


class VerificationRequestOut(Schema):
    """A request with the members its authorisation covers and its report."""

    id: int
    household: HouseholdRef
    status: RequestStatus
    sources: list[str]
    members: list[MemberCovered]
    running: bool
    authorisation_name: str
    authorisation_sha256: str
    report: VerificationReport


class DecisionIn(Schema):
    """采纳 (accept: the household takes the found value) or 不采纳 (dismiss), with a reason."""

    decision: Decision
    reason: str = Field("", max_length=500)


class FindingDecidedOut(Schema):
    finding_id: int
    status: FindingStatus
    request: VerificationRequestOut
