"""The documents of an emergency case (急难救助文书): D25 先行救助审批表, D26 救助金（物）领取凭证,
D27 补办手续告知书 — issued by the rows of ``workflow.CASE_WORKFLOW`` in the township's name,
rendered after the transaction commits (``jiuzhu.documents``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuzhu.documents.text_filters import mask_id
from jiuzhu.households.serializers import household_to_dict

from .models import EmergencyCase, FirstHelp


def _fen(value: int | None) -> str:
    whole, cents = divmod(int(value or 0), 100)
    return f"{whole}.{cents:02d}"


def _name(user: Any) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or getattr(user, "username", "")


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def document_context(case: EmergencyCase, help_: FirstHelp | None = None) -> dict[str, Any]:
    from jiuzhu.documents.services import office_default_name

    household = case.household
    data = household_to_dict(household)
    members = data.get("members") or []
    head = next((m for m in members if m.get("relation") == "head"), members[0] if members else {})
    office = case.township
    help_ = help_ or case.helps.exclude(state="released").order_by("-id").first()
    help_context: dict[str, Any] = {}
    if help_ is not None:
        help_context = {
            "amount": _fen(help_.amount_fen), "method": help_.get_method_display(),
            "payee": help_.payee, "fund": help_.fund.name,
            "approval_level": help_.get_approval_level_display(),
            "state": help_.get_state_display(),
            "requested_by": _name(help_.requested_by), "requested_at": _when(help_.requested_at),
            "approved_by": _name(help_.approved_by), "approved_at": _when(help_.approved_at),
            "override_reason": help_.override_reason,
            "voucher": help_.voucher, "paid_at": _when(help_.paid_at),
            "paid_by": _name(help_.paid_by),
            "signed": bool(help_.receipt_signature),
        }
    application = case.application
    return {
        "office": {"name": office_default_name(office), "short_name": office.name},
        "applicant": {"name": head.get("name", household.head_name),
                      "id_number": head.get("id_number", ""),
                      "id_masked": mask_id(head.get("id_number", "") or ""),
                      "address": household.address, "phone": household.phone},
        "household": {"household_id": household.household_id, "size": case.size,
                      "area_type": "农村" if household.area_type == "rural" else "城市",
                      "members": members},
        "case": {"number": case.number, "item_name": "急难救助（先行救助）",
                 "cause": case.get_cause_display(), "occurred_on": case.occurred_on.isoformat(),
                 "narrative": case.narrative, "level": case.get_level_display(),
                 "score": case.score, "explanation": case.explanation,
                 "opened_on": timezone.localtime(case.opened_at).date().isoformat(),
                 "source": case.get_source_display(),
                 "standard": _fen(case.standard_fen)},
        "help": help_context,
        "papers": {"due": case.papers_due.isoformat() if case.papers_due else "",
                   "application": application.number if application else "",
                   "item_name": "临时救助（急难型）"},
        "materials": _materials(),
        "today": timezone.localdate().isoformat(),
    }


def _materials() -> list[str]:
    """The materials of the temporary-assistance (emergency) item in force (MZ05)."""
    from jiuzhu.catalogue.models import Item

    item = (Item.objects.filter(code="MZ05", valid_from__lte=timezone.localdate())
            .order_by("-valid_from").only("materials").first())
    return [str(m) for m in (item.materials if item else [])] or ["临时救助申请书", "身份证明"]


def issue_documents(case: EmergencyCase, actor: Any, codes: list[str], *,
                    help_: FirstHelp | None = None) -> None:
    from jiuzhu.documents.services import document_issue

    if not codes:
        return
    context = document_context(case, help_)
    for code in codes:
        document_issue(actor=actor, owner=case, code=code, office=case.township,
                       context=context)
