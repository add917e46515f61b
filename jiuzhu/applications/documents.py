"""The legal documents an action produces (法律文书), built from the case."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuzhu.assessments.wording import worker_lines, worker_reason
from jiuzhu.documents.text_filters import mask_id
from jiuzhu.households.serializers import household_to_dict

from .models import Application
from .procedure import procedure_for

ITEM_NAMES = {"MZ01": "城乡最低生活保障"}


def item_name(application: Application) -> str:
    """The catalogue's name of the application's item (in force when it was submitted)."""
    from jiuzhu.catalogue.models import Item

    on = timezone.localtime(application.submitted_at).date() if application.submitted_at \
        else timezone.localdate()
    item = (Item.objects.filter(code=application.item_code, valid_from__lte=on)
            .order_by("-valid_from").only("name", "limit").first())
    return item.name if item else ITEM_NAMES.get(application.item_code, application.item_code)


def item_limit_days(application: Application) -> int | None:
    from jiuzhu.catalogue.models import Item

    item = (Item.objects.filter(code=application.item_code).order_by("-valid_from")
            .only("limit").first())
    return int(item.limit) if item and item.limit else None
CHANNEL_NAMES = {"window": "窗口申请", "outreach": "上门受理", "proxy": "委托代办",
                 "accompanied": "陪同办理", "online": "网上申请"}


def document_context(application: Application, **extra: Any) -> dict[str, Any]:
    household = application.household
    data = household_to_dict(household)
    head = next((m for m in data["members"] if m["relation"] == "head"), data["members"][0])
    result = application.assessment.result if application.assessment else None
    office = application.region
    procedure = procedure_for(office.code)
    return {
        "office": {"name": f"{office.parent.name if office.parent else ''}{office.name}人民政府"
                           if office.level == "township" else f"{office.name}民政局",
                   "short_name": office.name, "phone": procedure.office_phone,
                   "address": procedure.office_address},
        "county": {"name": (office.parent.name if office.parent else office.name) + "民政局"},
        "applicant": {"name": head["name"], "id_number": head["id_number"],
                      "id_masked": mask_id(head["id_number"]),
                      "address": household.address, "phone": household.phone},
        "household": {"household_id": household.household_id, "size": len(data["members"]),
                      "members": [{**m, "id_masked": mask_id(m["id_number"])} for m in data["members"]],
                      "area_type": "农村" if household.area_type == "rural" else "城市"},
        "case": {"number": application.number, "query_code": application.query_code,
                 "item_code": application.item_code,
                 "item_name": item_name(application),
                 "item_limit": item_limit_days(application),
                 "channel": CHANNEL_NAMES.get(application.channel, application.channel),
                 "submitted_on": timezone.localtime(application.submitted_at).date().isoformat()
                 if application.submitted_at else "",
                 "accepted_on": str(application.accepted_on or ""),
                 "due_date": str(application.due_date or ""),
                 "final_due_date": str(application.final_due_date or ""),
                 "state": application.get_state_display()},
        "missing_materials": application.missing_materials,
        "reasons": application.reasons or application.opinion_reasons,
        "investigation": application.investigation,
        "investigators": application.investigation.get("investigators") or application.investigators,
        "neighbour_visits": application.investigation.get("neighbour_visits", []),
        "verification": application.verification,
        "appraisal": application.appraisal,
        "opinion": {"recommend": application.recommend, "reasons": application.opinion_reasons},
        "assessment": result,
        "explanation_lines": [
            {"label": q["label"], "value": f"{q['value']} {q['unit']}"}
            for q in worker_lines((result or {}).get("explanation"))],
        "decision_reason": worker_reason((result or {}).get("explanation")) if result else "",
        "amount": str(application.approved_amount or application.engine_amount or ""),
        "engine_amount": str(application.engine_amount or ""),
        "override_reason": application.override_reason,
        "start_month": application.start_month.strftime("%Y年%m月") if application.start_month else "",
        "review_class": application.get_review_class_display() if application.review_class else "",
        "notice": {"published_on": str(application.notice_published_on or ""),
                   "round": application.notice_round},
        "objections": application.objections,
        "today": timezone.localdate().isoformat(),
        **extra,
    }


#: The decision's documents (准予决定书, 不予批准通知书, 低保证): issued and numbered by the body
#: that decides, in its own name and yearly series; every other document by the township.
DECISION_DOCUMENTS = frozenset({"D13", "D14", "D15"})
TOWNSHIP_LEVELS = frozenset({"township", "village", "grid"})


def decision_office(application: Application, actor: Any) -> Any:
    """The body that decides the case (and issues D13/D14/D15): the county civil-affairs
    bureau, or the township where the county's setting delegates the decision to it
    (``procedure/<county>.yaml`` ``approving_level: township``; temporary assistance within
    the township's limit) and the township's reviewer decided. A county approver (or an
    administrator of the county) deciding is the county; the system actor follows the
    setting."""
    from jiuzhu.accounts.choices import Role

    from .rules import decision_roles

    township = application.region
    county = township.parent if township.level == "township" and township.parent else township
    delegated = Role.TOWNSHIP_REVIEWER in decision_roles(application)
    region = getattr(actor, "region", None) if getattr(actor, "region_id", None) else None
    if region is not None:
        return township if delegated and region.level in TOWNSHIP_LEVELS else county
    return township if delegated else county


def _office_context(office: Any, procedure: Any) -> dict[str, Any]:
    from jiuzhu.documents.services import office_default_name

    return {"name": office_default_name(office), "short_name": office.name,
            "phone": procedure.office_phone, "address": procedure.office_address}


def issue_documents(application: Application, actor: Any, codes: list[str], **extra: Any) -> None:
    from jiuzhu.documents.services import document_issue

    from .programs import documents_for_item

    codes = documents_for_item(application.item_code, codes)
    if not codes:
        return
    context = document_context(application, **extra)
    decider = decision_office(application, actor) if DECISION_DOCUMENTS & set(codes) else None
    signed = None
    if {"D01", "D04"} & set(codes):  # the drawn signatures of 签署核对授权, where there are
        from .signing import signed_context

        signed = signed_context(application, context)
    for code in codes:
        office = decider if decider is not None and code in DECISION_DOCUMENTS \
            else application.region
        if signed is not None and code in ("D01", "D04"):
            document_issue(actor=actor, owner=application, code=code, office=office, context=signed)
            continue
        data = context if office == application.region else {
            **context, "office": _office_context(office, procedure_for(application.region.code))}
        document_issue(actor=actor, owner=application, code=code, office=office, context=data)


#: public name for the demo history (the same function)
office_context = _office_context
