"""Schemas of the intake API (/api/v1/intake): the bodies taken and the request and item
returned (as ``serializers.py`` writes them)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field, JsonValue

from jiuzhu.applications.choices import Channel
from jiuzhu.core.api_types import IsoDate, IsoDateTime, MoneyText

from .choices import Alert, ItemState, Mode, RequestStatus, Result


class IntakeFileIn(Schema):
    """A scan sent inside the JSON body (or, multipart, as a file named by its material)."""

    material: str = Field(description="材料名称，如“身份证”")
    name: str = "file"
    content_base64: str


class ApplicantIn(Schema):
    name: str = ""
    phone: str = ""
    id_number: str = ""
    agent_name: str = ""
    agent_phone: str = ""
    agent_id_number: str = ""


class RequestIn(Schema):
    """一门受理: one household, several catalogue items."""

    household_id: int | str = Field(description="家庭编号，或登记时返回的 id")
    items: list[str] = Field(min_length=1, description="事项编码，如 [\"MZ01\", \"JY02\"]")
    channel: str = Field(description="window, outreach, proxy, accompanied, online")
    materials: dict[str, list[str]] = Field(
        default_factory=dict, description="每个事项已收的材料 {事项编码: [材料名称]}")
    applicant: ApplicantIn | None = None
    files: list[IntakeFileIn] = []


class UrgeIn(Schema):
    """督办 (supervisors): the message shown to the item's officers."""

    message: str = ""


class ApplicationRef(Schema):
    id: int
    number: str
    state: str
    due_date: IsoDate | None
    alert: str


class CohandlerOut(Schema):
    department: str
    finished: bool
    result: Result | None
    result_text: str
    amount: MoneyText | None


class ItemStepOut(Schema):
    action: str
    from_: str = Field(alias="from")
    to: str
    department: str
    actor: str
    at: IsoDateTime
    on: IsoDate | None
    data: dict[str, JsonValue]


class UrgeOut(Schema):
    id: int
    by: str
    message: str
    at: IsoDateTime
    acknowledged_at: IsoDateTime | None


class ItemOut(Schema):
    """One item of a request: decided here (its application) or by a department."""

    id: int
    request: int
    item_code: str
    item_name: str
    department: str
    mode: Mode
    state: ItemState
    application: ApplicationRef | None
    materials: list[str]
    limit: int
    started_on: IsoDate | None
    due_date: IsoDate | None
    deadline_provisional: bool
    alert: Alert
    missing: list[str]
    result: Result | None
    result_text: str
    amount: MoneyText | None
    reason: str
    cohandlers: list[CohandlerOut]
    steps: list[ItemStepOut]
    urges: list[UrgeOut]


class ApplicantOut(Schema):
    name: str
    phone: str
    agent_name: str


class RequestOut(Schema):
    """A request (受理单) with its query code and items."""

    id: int
    number: str
    query_code: str
    household: int | None
    household_id: str | None
    channel: Channel
    status: RequestStatus
    applicant: ApplicantOut
    received_on: IsoDate | None
    requested_items: list[str]
    items: list[ItemOut]
