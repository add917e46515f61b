"""The typed shapes of the applications API: one request schema per action (named by the
table in ``workflow.py``, which validates ``data`` with it for the API, the pages and the
services alike) and the application as the API answers it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field, JsonValue, StrictBool, StringConstraints

from jiuzhu.core.api_types import IsoDate, IsoDateTime, MoneyText

from .models import Application
from .survey import SurveyIn

#: Text that must not be blank (surrounding spaces dropped).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]


# --- requests -------------------------------------------------------------------------------

class FileIn(Schema):
    """A file sent inline: the material it is (``身份证``, ``入户照片``, ``核对原始材料`` …),
    its name and its content in base64 (or as multipart parts named by material)."""

    material: str
    name: str = "file"
    content_base64: str


class ApplicationCreateIn(Schema):
    household_id: int | str = Field(description="家庭编号或内部 id")
    item_code: Text = Field(description="MZ01–MZ06")
    channel: Text = Field(description="window, outreach, proxy, accompanied, online")
    files: list[FileIn] = []


class FilesIn(Schema):
    files: list[FileIn] = []


class NoInput(Schema):
    """An action without fields (受理, 发布公示, 公示结束): an empty object."""


class ReasonIn(Schema):
    reason: Text = Field(max_length=1000, description="理由")


class ReasonsIn(Schema):
    reasons: Text = Field(max_length=2000, description="不予批准理由")


class RequestSupplementIn(Schema):
    missing: list[Text] = Field(min_length=1, description="一次性告知需补正的全部材料")


class SubmitSupplementIn(Schema):
    """提交补正材料: the scans come as files; ``originals`` the materials asked for whose
    paper original the window has seen (原件已核验)."""

    originals: list[Text] = Field(default=[], description="原件已核验的补正材料")


class AssignInvestigationIn(Schema):
    """Two or more people (入户调查两人以上): user ids of the township's investigators,
    village assistants or grid workers who see the family (``investigator_ids``; they get
    the case in 我的调查), and/or names typed (``investigators``); or an organisation."""

    investigators: list[str] = Field(default=[], description="至少 2 名调查人员（姓名）")
    investigator_ids: list[int] = Field(
        default=[], description="调查人员的账号 id（本乡镇的调查员、村居协理员、网格员），与姓名合计至少 2 名")
    organisation_id: int | None = Field(
        default=None, description="或委托第三方调查机构（持有覆盖本乡镇的有效合同的机构 id）")


class LocationIn(Schema):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)


class NeighbourVisitIn(Schema):
    name: Text
    relation: OptionalText = ""
    statement: Text
    signature: str = Field(default="", description="被访问人签名：data:image/png;base64,…")


class RecordInvestigationIn(Schema):
    investigators: list[Text] = Field(min_length=2, description="至少 2 名调查人员")
    location: LocationIn
    signatures: dict[str, str] = Field(
        description="investigator_1、investigator_2、applicant：data:image/png;base64,…")
    neighbour_visits: list[NeighbourVisitIn] = Field(min_length=1)
    visited_on: IsoDate | None = None
    findings: OptionalText = Field(default="", max_length=4000)
    survey: SurveyIn | None = Field(default=None, description="入户调查核实：收入、财产、住房（与申报对照）")
    submission_key: OptionalText = Field(default="", max_length=64,
                                         description="提交编号（幂等键）：同一编号只录入一次")


class ManualReportIn(Schema):
    """A verification made by hand (人工核对), only where the verification app could not:
    what was found, why it was done by hand, with the source documents uploaded as files
    of material ``核对原始材料``. Labelled 人工核对 on every document that mentions it."""

    summary: Text = Field(max_length=4000, description="核对情况")
    reason: Text = Field(max_length=1000, description="未通过核对系统核对的原因")
    sources: list[str] = Field(default=[], description="所依据的材料或部门")


class RecordVerificationIn(Schema):
    """A completed verification request of the household (``request_id``), or a manual
    report with its source documents."""

    request_id: int | None = Field(default=None, description="已完成的核对申请")
    report: ManualReportIn | None = None


class RecordAppraisalIn(Schema):
    members_present: int = Field(ge=0)
    votes_for: int = Field(ge=0)
    votes_against: int = Field(ge=0)
    result: Literal["pass", "fail"]
    note: OptionalText = Field(default="", max_length=2000)


class SubmitOpinionIn(Schema):
    recommend: Literal["approve", "refuse"]
    reasons: OptionalText = Field(default="", max_length=2000)
    amount: Decimal | None = Field(default=None, description="临时救助：拟救助金额（元）")


class RecordObjectionIn(Schema):
    founded: StrictBool
    return_to: Literal["investigation", "appraisal"] | None = None
    note: Text = Field(max_length=2000)


class ApproveIn(Schema):
    amount: Decimal | None = Field(default=None, description="批准金额（元）；默认核算金额")
    override_reason: OptionalText = Field(default="", max_length=1000)


# --- responses ------------------------------------------------------------------------------

class FirstApprovalOut(Schema):
    approver: str
    at: IsoDateTime | None
    amount: MoneyText | None
    start_month: IsoDate | None
    override_reason: str


class StepOut(Schema):
    action: str
    label: str
    from_: str = Field(alias="from")
    to: str
    actor: str
    at: IsoDateTime
    data: dict[str, JsonValue]


class DocumentOut(Schema):
    code: str
    version: int
    number: str
    title: str
    url: str


class ApplicationOut(Schema):
    id: int
    number: str
    query_code: str
    household_id: str
    household: int
    item_code: str
    channel: str
    state: str
    state_label: str
    step: str
    due_date: IsoDate | None
    final_due_date: IsoDate | None
    alert: str
    deadlines_provisional: bool
    extended: bool
    verification_manual: bool
    actions: list[str] = Field(description="the actions the asking user may take now")
    steps: list[StepOut]
    documents: list[DocumentOut]
    assessment: JsonValue | None
    engine_amount: MoneyText | None
    approved_amount: MoneyText | None
    start_month: IsoDate | None
    valid_until: IsoDate | None
    review_class: str | None
    missing_materials: list[str]
    investigators: list[str] = Field(default=[], description="指派的入户调查人员（姓名）")
    first_approval: FirstApprovalOut | None = Field(
        default=None, description="四眼原则：待第二审批人确认的第一审批（无则为 null）")


def application_to_dict(application: Application, *, documents: list[Any] | None = None,
                        user: Any = None) -> dict[str, Any]:
    """The application as :class:`ApplicationOut` (``actions`` for ``user``)."""
    from jiuzhu.documents.services import documents_for

    from .duties import awaiting_second
    from .workflow import WORKFLOW, label

    documents = documents_for(application) if documents is None else documents
    first = application.first_approval or {}
    result = application.assessment.result if application.assessment is not None else None
    return {
        "id": application.pk,
        "number": application.number,
        "query_code": application.query_code,
        "household_id": application.household.household_id,
        "household": application.household_id,
        "item_code": application.item_code,
        "channel": application.channel,
        "state": application.state,
        "state_label": str(application.get_state_display()),
        "step": application.step,
        "due_date": _iso(application.due_date),
        "final_due_date": _iso(application.final_due_date),
        "alert": application.alert,
        "deadlines_provisional": application.deadlines_provisional,
        "extended": application.extended,
        "verification_manual": bool((application.verification or {}).get("manual")),
        "actions": [a.name for a in WORKFLOW.available(user, application)] if user else [],
        "steps": [{"action": s.action, "label": label(s.action), "from": s.from_state,
                   "to": s.to_state, "actor": s.actor_name, "at": s.at.isoformat(),
                   "data": s.data}
                  for s in application.steps.all()],
        "documents": [{"code": d.code, "version": d.version, "number": d.number,
                       "title": d.title,
                       "url": reverse("api:application_document", args=[application.pk, d.code])
                       + f"?version={d.version}"}
                      for d in documents],
        "assessment": result,
        "engine_amount": _money(application.engine_amount),
        "approved_amount": _money(application.approved_amount),
        "start_month": _iso(application.start_month),
        "valid_until": _iso(application.valid_until),
        "review_class": application.review_class or None,
        "missing_materials": application.missing_materials,
        "investigators": [str(name) for name in application.investigators],
        "first_approval": {
            "approver": str(first.get("name", "")),
            "at": application.first_approved_at.isoformat() if application.first_approved_at else None,
            "amount": first.get("amount") or None, "start_month": first.get("start_month") or None,
            "override_reason": str(first.get("override_reason") or ""),
        } if awaiting_second(application) else None,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _money(value) -> str | None:
    return f"{value:.2f}" if value is not None else None
