"""The resident's online application (网上办) and progress query (进度查询).

The application is kept step by step in the session (:mod:`.drafts`); :func:`application_submit`
checks all of it again, hands it to intake through :mod:`.gateway` and records it. Every
refusal raises :class:`ServiceError` naming the field and stores nothing.
"""

from __future__ import annotations

import hmac
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.models import AuditEvent
from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _invalid
from jiuzhu.core.jsonio import plain_number
from jiuzhu.households.choices import INCOME_KINDS
from jiuzhu.rules.validation import birth_date_from_id, id_number_valid, validate_household

from . import drafts, gateway
from .selectors import items_named, materials_for, village_named

APPLY_ACTION = "self_apply"
TRACK_FAILED_ACTION = "self_track_failed"
RESIDENT = "resident"


class RateLimited(ServiceError):
    def __init__(self, message: str):
        super().__init__(ErrorCode.FORBIDDEN, message)

    @property
    def status(self) -> int:
        return 429


def _recent(action: str, ip: str | None) -> int:
    if not ip:
        return 0
    since = timezone.now() - timedelta(hours=1)
    return AuditEvent.objects.filter(action=action, ip=ip, at__gte=since).count()


def apply_limit() -> int:
    return int(getattr(settings, "SELF_APPLY_MAX_PER_HOUR", 5))


def track_limit() -> int:
    return int(getattr(settings, "SELF_TRACK_MAX_FAILURES_PER_HOUR", 10))


def apply_throttled(ip: str | None) -> bool:
    return _recent(APPLY_ACTION, ip) >= apply_limit()


def track_throttled(ip: str | None, code: str = "") -> bool:
    """Too many wrong answers from this address, or for this code from anywhere (so the
    last 4 digits of one code cannot be guessed from many addresses)."""
    if _recent(TRACK_FAILED_ACTION, ip) >= track_limit():
        return True
    if not code:
        return False
    since = timezone.now() - timedelta(hours=1)
    wrong = AuditEvent.objects.filter(action=TRACK_FAILED_ACTION, at__gte=since,
                                      detail__code=code[:8]).count()
    return wrong >= int(getattr(settings, "SELF_TRACK_MAX_FAILURES_PER_CODE", 10))


# --- the whole application, checked again before it is stored ----------------------------

def yearly_from_monthly(monthly: Any) -> Decimal:
    """元/月 as the resident typed it → 元/年 as the registry keeps it, exactly: whole fen
    times 12 (800.00 → 9600.00, 1234.56 → 14814.72). Blank is 0."""
    if monthly in (None, ""):
        return Decimal(0)
    fen = Decimal(str(monthly)) * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise _invalid("monthly_income", _("每月收入应为不小于 0、最多两位小数的金额"))
    return Decimal(int(fen) * 12) / 100


def household_data_from(draft: dict[str, Any], *, on: date) -> dict[str, Any]:
    """The household as the resident declared it, in household.schema.json's shape (the
    window worker completes it when registering the family)."""
    identity, household = draft["identity"], draft["household"]
    village = village_named(household["village"])
    if village is None:
        raise _invalid("village", _("请选择所在村（社区）"))
    members = []
    for index, row in enumerate(household["members"]):
        birth = birth_date_from_id(row["id_number"])
        member: dict[str, Any] = {
            "member_id": f"M{index + 1}", "name": row["name"], "id_number": row["id_number"],
            "relation": row["relation"], "birth_date": birth.isoformat() if birth else "",
            "health": row.get("health") or "healthy",
            "occupation": row.get("occupation") or "none",
        }
        yearly = yearly_from_monthly(row.get("monthly_income"))
        if yearly:
            source = row.get("income_source")
            member["income"] = {source if source in INCOME_KINDS else "wages":
                                plain_number(yearly)}
        members.append(member)
    data: dict[str, Any] = {
        # No household number: the window links an existing household, or registers this
        # one and it is numbered then (H + village code + serial, households.services).
        "region_code": village.code,
        "area_type": village.area_type or "rural",
        "assessment_date": on.isoformat(),
        "address": household["address"],
        "phone": identity["phone"],
        "members": members,
        "supporters": [],
    }
    # What the resident typed must be registrable by the window as it is.
    errors = [e.as_dict() for e in validate_household(data)
              if e.path.startswith(("members", "address", "phone"))]
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息有误，请按提示修改"), errors)
    return data


def application_check(draft: dict[str, Any]) -> None:
    """Every step done and still valid (the catalogue may have changed since)."""
    identity = draft.get("identity")
    if not identity:
        raise _invalid("identity", _("请先填写申请人信息"))
    if not identity.get("consent"):
        raise _invalid("consent", _("必须同意家庭经济状况核对授权，才能提交救助申请"))
    if not id_number_valid(identity.get("id_number")):
        raise _invalid("id_number", _("申请人身份证号码有误，请核对"))
    household = draft.get("household")
    if not household or not household.get("members"):
        raise _invalid("members", _("请填写家庭成员"))
    ids = [m["id_number"] for m in household["members"]]
    if identity["id_number"] not in ids:
        raise _invalid("members", _("申请人本人应列在家庭成员中"))
    codes = draft.get("items") or []
    if not codes:
        raise _invalid("items", _("请至少选择一个申请事项"))
    named = {item.code for item in items_named(codes)}
    gone = [c for c in codes if c not in named]
    if gone:
        raise _invalid("items", _("以下事项已不再受理，请重新选择：%(gone)s") % {"gone": '、'.join(gone)})


def adult_members(draft: dict[str, Any], on: date | None = None) -> list[dict[str, Any]]:
    """The draft's members of 18 or more (by the birth date in their ID number), each with
    ``index`` (its member number is M<index+1>) and ``applicant`` (the one applying):
    they sign the verification authorisation (签署核对授权) in the review step."""
    from jiuzhu.verification.authorisations import ADULT_AGE

    on = on or timezone.localdate()
    applicant_id = (draft.get("identity") or {}).get("id_number")
    adults = []
    for index, row in enumerate((draft.get("household") or {}).get("members") or []):
        birth = birth_date_from_id(row.get("id_number") or "")
        if birth is None:
            continue
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        if age >= ADULT_AGE:
            adults.append({**row, "index": index, "applicant": row.get("id_number") == applicant_id})
    return adults


def signatures_from(draft: dict[str, Any], drawn: dict[int, str], *, device: str = "",
                    latitude: Any = None, longitude: Any = None) -> list[dict[str, Any]]:
    """The signatures drawn in the review step (``{member index: data URI}``) as the intake
    request keeps them. None is required here: the consent was given in step 1, and an
    adult who did not sign on the phone signs at the window or on the home visit (the
    verification waits for every adult's signature or a scan)."""
    now = timezone.now()
    rows = []
    for adult in adult_members(draft):
        image = drawn.get(adult["index"]) or ""
        if not image:
            continue
        rows.append({"member_id": f"M{adult['index'] + 1}", "name": adult["name"],
                     "image": image, "signed_at": now, "device": device[:300],
                     "latitude": latitude or None, "longitude": longitude or None})
    return rows


def application_submit(*, draft: dict[str, Any], ip: str | None,
                       signatures: list[dict[str, Any]] | None = None) -> str:
    """Hand the online application to the window queue (with the authorisation's
    signatures, :func:`signatures_from`); its query code."""
    if apply_throttled(ip):
        raise RateLimited("提交次数过多，请一小时后再试，或到乡镇（街道）社会救助窗口办理")
    application_check(draft)
    today = timezone.localdate()
    household_data = household_data_from(draft, on=today)
    identity, household = draft["identity"], draft["household"]
    applicant = {"name": identity["name"], "id_number": identity["id_number"],
                 "phone": identity["phone"], "consent": True,
                 "consent_at": draft.get("consent_at") or timezone.now().isoformat(),
                 "monthly_income": household.get("monthly_income") or "",
                 "notes": household.get("notes") or ""}
    codes = list(draft["items"])
    materials = {m["material"]: m for m in materials_for(codes)}
    files = []
    for material, meta in (draft.get("uploads") or {}).items():
        if material not in materials:
            continue  # an item needing it was unticked since
        data = drafts.upload_read(meta)
        if data is None:
            raise _invalid(f"material:{material}", _("“%(material)s”的文件已失效，请重新上传") % {"material": material})
        files.append(gateway.UploadedFile(material=material, name=meta["name"],
                                          content_type=meta["content_type"], data=data,
                                          item_code=materials[material]["item_code"]))
    with transaction.atomic():
        code = gateway.submit_online(household_data=household_data, applicant=applicant,
                                     items=codes, files=files, signatures=signatures)
        audit_record(actor=None, action=APPLY_ACTION, actor_name=RESIDENT,
                     region_path="", detail={"query_code": code, "items": codes,
                                             "files": len(files)})
    return code


# --- progress query ------------------------------------------------------------------------

def progress_find(*, code: str, last4: str, ip: str | None) -> gateway.TrackedRequest:
    """The request with this code whose applicant's ID number ends in ``last4``.

    A wrong code and wrong digits get the same refusal (so neither can be probed), and
    every refusal counts towards the address's hourly limit."""
    if track_throttled(ip, code):
        raise RateLimited("查询次数过多，请一小时后再试")
    found = gateway.lookup(code)
    if found is None or not found.id_last4 or not hmac.compare_digest(
            found.id_last4.upper().encode(), last4.upper().encode()):
        with transaction.atomic():
            audit_record(actor=None, action=TRACK_FAILED_ACTION, actor_name=RESIDENT,
                         detail={"code": code[:8]})
        raise ServiceError(ErrorCode.NOT_FOUND, _("查询码或身份证号码后 4 位不正确，请核对后重试"))
    return found


def money_text(value: Any) -> str:
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)):.2f}"
