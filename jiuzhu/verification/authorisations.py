"""Electronic authorisation of the verification (电子核对授权, issue #16 item 2).

Every adult member of the household (18 or older on the day: 《民法典》第十七条) signs the
authorisation (D04 家庭经济状况核对授权书) by drawing their signature on a phone or the
window's signature pad. Each signature keeps the PNG and its SM3, the version and SM3 of
the consent text the signer was shown, the time, the location when the phone gave it, the
device (user agent), the channel and the member of staff who witnessed it. Once every
adult has signed the authorisation is complete; the procedure upstairs then issues the
signed D04 (``documents``; its PDF with the signatures in it, SM3 and SHA-256) and records
it here (:func:`authorisation_attach_document`), and the verification request is made from
that PDF instead of a paper scan (:func:`authorisation_file`).

The procedure lives upstairs: an authorisation names its case by number and page only.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.rules import in_region
from jiuzhu.audit.services import audit_record
from jiuzhu.core.digests import sm3_hex
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _invalid
from jiuzhu.households.models import Household, Member

from .models import Authorisation, AuthorisationSignature, SignatureChannel

__all__ = [
    "ADULT_AGE", "CONSENT_SM3", "CONSENT_TEXT", "CONSENT_VERSION", "SignerState",
    "authorisation_attach_document", "authorisation_complete", "authorisation_file",
    "authorisation_for_case", "authorisation_missing", "authorisation_sign",
    "authorisation_signers", "complete_authorisation_for_case", "online_signatures",
    "online_signatures_store", "signature_data_uri", "signature_png",
]

#: Adults sign for themselves (《民法典》第十七条: 十八周岁以上的自然人为成年人); a minor's
#: guardian signs for them on paper (the D04 note says so).
ADULT_AGE = 18
MAX_SIGNATURE_BYTES = 400 * 1024
PNG_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: The consent text every signer is shown (its clauses are D04's); a change of wording is a
#: new version, and each signature keeps the version and SM3 it was given.
CONSENT_VERSION = "D04-2026.1"
CONSENT_TEXT = (
    "一、本人及共同生活的家庭成员已如实申报家庭人口、收入和财产状况，对申报内容的真实性、完整性负责。\n"
    "二、同意并授权县级人民政府民政部门及其委托的居民家庭经济状况核对机构，向公安、自然资源、人力资源社会保障、"
    "市场监管、税务、住房公积金、医疗保障等部门和银行、证券、保险等金融机构，查询、核对本人及家庭成员的户籍、车辆、"
    "不动产、社会保险、工资、工商登记、纳税、住房公积金、存款、有价证券、商业保险等信息。\n"
    "三、本授权自签署之日起至最低生活保障审核确认结束时有效；获得最低生活保障的，延续至停止享受最低生活保障之日，"
    "用于定期核查和复核。\n"
    "四、核对获得的信息仅用于社会救助审核确认和管理，有关部门和工作人员应当依法予以保密。\n"
    "五、如有虚报、隐瞒、伪造，本人及家庭成员愿意承担相应的法律责任。"
)
CONSENT_SM3 = sm3_hex(CONSENT_TEXT.encode("utf-8"))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _adult(member: Member, on: date) -> bool:
    return member.birth_date is not None and _age(member.birth_date, on) >= ADULT_AGE


@dataclass
class SignerState:
    """One member as the signing page lists them."""

    member: Member
    adult: bool
    signature: AuthorisationSignature | None

    @property
    def signed(self) -> bool:
        return self.signature is not None


def authorisation_signers(household: Household, authorisation: Authorisation | None,
                          on: date | None = None) -> list[SignerState]:
    """Every member of the household in order, whether they must sign and their signature."""
    on = on or timezone.localdate()
    signed = {s.member_id: s for s in authorisation.signatures.all()} if authorisation else {}
    return [SignerState(member=m, adult=_adult(m, on), signature=signed.get(m.member_id))
            for m in household.members.order_by("position", "id")]


def authorisation_missing(authorisation: Authorisation, on: date | None = None) -> list[Member]:
    """The adult members who have not signed yet (none known while it waits online)."""
    if authorisation.household is None:
        return []
    return [s.member for s in authorisation_signers(authorisation.household, authorisation, on)
            if s.adult and not s.signed]


def authorisation_for_case(*, actor: Any, household: Household, case_number: str,
                           case_url: str = "") -> Authorisation:
    """The case's authorisation, made the first time it is asked for (audited)."""
    if actor is None or not getattr(actor, "pk", None) or not in_region(actor, household):
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"))
    found = (Authorisation.objects.filter(case_number=case_number, household=household)
             .order_by("-id").first())
    if found is not None:
        return found
    authorisation = Authorisation.objects.create(
        household=household, region_path=household.region_path, case_number=case_number[:32],
        case_url=case_url[:200], consent_version=CONSENT_VERSION, consent_sm3=CONSENT_SM3)
    audit_record(actor=actor, action="create", obj=authorisation,
                 detail={"household_id": household.household_id, "application": case_number,
                         "consent_version": CONSENT_VERSION, "consent_sm3": CONSENT_SM3})
    return authorisation


def signature_png(image: Any) -> bytes:
    """A drawn signature (``data:image/png;base64,…`` or PNG bytes) → PNG bytes; 422."""
    if isinstance(image, bytes):
        data = image
    else:
        text = str(image or "")
        if not text:
            raise _invalid("signature", _("请在签名框内签名"))
        if not text.startswith(PNG_PREFIX):
            raise _invalid("signature", _("签名应为在签名框内绘制的 PNG 图像"))
        try:
            data = base64.b64decode(text[len(PNG_PREFIX):], validate=True)
        except (binascii.Error, ValueError):
            raise _invalid("signature", _("签名图像无法读取，请重新签名")) from None
    if not data.startswith(PNG_MAGIC):
        raise _invalid("signature", _("签名应为在签名框内绘制的 PNG 图像"))
    if len(data) > MAX_SIGNATURE_BYTES:
        raise _invalid("signature", _("签名图像不能超过 %(limit)s KB") % {"limit": MAX_SIGNATURE_BYTES // 1024})
    return data


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("位置坐标应为数字")) from None
    if not number.is_finite() or abs(number) > limit:
        raise _invalid(field, _("位置坐标超出范围")) from None
    return number


@transaction.atomic
def authorisation_sign(*, actor: Any, authorisation: Authorisation, member_id: str,
                       image: Any, channel: str = SignatureChannel.WINDOW,
                       latitude: Any = None, longitude: Any = None, device: str = "",
                       signed_at: datetime | None = None,
                       consent_version: str = CONSENT_VERSION) -> AuthorisationSignature:
    """Record ``member_id``'s drawn signature; ``actor`` is the member of staff who
    witnessed it (window, home visit) or who took the online request it came with. 422
    naming the field for a minor, a member not in the household, a second signature, an
    empty or broken image or a bad coordinate; 409 once the authorisation is complete."""
    if actor is None or not getattr(actor, "pk", None) or not in_region(actor, authorisation):
        raise ServiceError(ErrorCode.NOT_FOUND, _("授权书不存在"))
    authorisation = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if authorisation.complete:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("全体成年家庭成员已签署，授权书已生成"))
    if channel not in SignatureChannel.values:
        raise _invalid("channel", _("未知的签名方式"))
    if consent_version != CONSENT_VERSION:
        raise _invalid("consent_version", _("授权文本已更新，请重新阅读后签名"))
    household = authorisation.household
    member = household.members.filter(member_id=member_id).first() if household else None
    if member is None:
        raise _invalid("member_id", _("该家庭没有这位成员"))
    on = timezone.localdate()
    if not _adult(member, on):
        raise _invalid("member_id", _("%(name)s 未满 %(age)s 周岁，由监护人在纸质授权书上代签") % {"name": member.name, "age": ADULT_AGE})
    if authorisation.signatures.filter(member_id=member_id).exists():
        raise _invalid("member_id", _("%(name)s 已签名") % {"name": member.name})
    data = signature_png(image)
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    signature = AuthorisationSignature.objects.create(
        authorisation=authorisation, region_path=authorisation.region_path,
        member_id=member.member_id, name=member.name, image=data, image_sm3=sm3_hex(data),
        consent_version=CONSENT_VERSION, consent_sm3=CONSENT_SM3,
        signed_at=signed_at or timezone.now(), latitude=lat, longitude=lng,
        device=str(device or "")[:300], channel=channel,
        witnessed_by=actor if channel != SignatureChannel.ONLINE else None)
    audit_record(actor=actor, action="create", obj=signature, region_path=authorisation.region_path,
                 detail={"application": authorisation.case_number, "member": member.member_id,
                         "channel": channel, "image_sm3": signature.image_sm3,
                         "consent_version": CONSENT_VERSION, "consent_sm3": CONSENT_SM3,
                         "located": lat is not None and lng is not None})
    return signature


@transaction.atomic
def authorisation_complete(*, actor: Any, authorisation: Authorisation) -> Authorisation:
    """Mark the authorisation signed by every adult (audited); 422 naming the adults who
    have not signed, 409 when it already is."""
    if actor is None or not getattr(actor, "pk", None) or not in_region(actor, authorisation):
        raise ServiceError(ErrorCode.NOT_FOUND, _("授权书不存在"))
    authorisation = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if authorisation.complete:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("全体成年家庭成员已签署，授权书已生成"))
    missing = authorisation_missing(authorisation)
    if missing:
        raise _invalid("signatures", _("以下成年家庭成员尚未签名：%(names)s") % {"names": "、".join(m.name for m in missing)})
    if not authorisation.signatures.exists():
        raise _invalid("signatures", _("家庭中没有成年成员，请由监护人在纸质授权书上签字并上传扫描件"))
    authorisation.completed_at = timezone.now()
    authorisation.completed_by = actor
    authorisation.save(update_fields=["completed_at", "completed_by"])
    audit_record(actor=actor, action="update", obj=authorisation,
                 detail={"application": authorisation.case_number, "step": "complete",
                         "signatures": list(authorisation.signatures.values_list("member_id", flat=True))})
    return authorisation


def authorisation_attach_document(authorisation: Authorisation, document: Any) -> None:
    """Record the signed D04 the procedure issued for a complete authorisation."""
    Authorisation.objects.filter(pk=authorisation.pk).update(document=document)
    authorisation.document = document


def complete_authorisation_for_case(case_number: str, household: Household) -> Authorisation | None:
    """The case's complete authorisation with its signed D04, or None."""
    return (Authorisation.objects.filter(case_number=case_number, household=household,
                                         completed_at__isnull=False, document__isnull=False)
            .select_related("document").order_by("-id").first())


def authorisation_file(authorisation: Authorisation) -> SimpleUploadedFile:
    """The signed D04's PDF as an upload for the verification request (rendered now if
    the worker has not done it yet)."""
    from jiuzhu.documents.services import document_file

    if authorisation.document is None:
        raise _invalid("authorisation", _("授权书尚未全部签署"))
    pdf = document_file(authorisation.document, "pdf")
    with pdf.open("rb") as handle:
        data = handle.read()
    return SimpleUploadedFile(f"家庭经济状况核对授权书（电子签署）{authorisation.case_number}.pdf", data,
                              content_type="application/pdf")


def signature_data_uri(signature: AuthorisationSignature) -> str:
    return PNG_PREFIX + base64.b64encode(bytes(signature.image)).decode("ascii")


# --- online applications (网上申请): signed on the resident's phone, carried to the case ---

@dataclass
class OnlineSignature:
    """A signature drawn in the online application, before any household or case exists."""

    member_id: str
    name: str
    image: bytes
    signed_at: datetime
    latitude: Decimal | None
    longitude: Decimal | None
    device: str


def online_signatures_store(*, intake_number: str, region_path: str,
                            signatures: list[dict[str, Any]]) -> Authorisation | None:
    """Keep the signatures of an online request (``[{member_id, name, image, signed_at?,
    latitude?, longitude?, device?}]``) until the window takes it; in the caller's
    transaction, audited as the resident's. 422 naming ``signatures[i].image``."""
    if not signatures:
        return None
    checked = []
    for index, row in enumerate(signatures):
        try:
            data = signature_png(row.get("image"))
        except ServiceError as error:
            raise _invalid(f"signatures[{index}].image", error.message) from None
        checked.append((row, data))
    authorisation = Authorisation.objects.create(
        household=None, region_path=region_path, intake_number=intake_number[:32],
        consent_version=CONSENT_VERSION, consent_sm3=CONSENT_SM3)
    for row, data in checked:
        AuthorisationSignature.objects.create(
            authorisation=authorisation, region_path=region_path,
            member_id=str(row.get("member_id") or "")[:40], name=str(row.get("name") or "")[:64],
            image=data, image_sm3=sm3_hex(data), consent_version=CONSENT_VERSION,
            consent_sm3=CONSENT_SM3, signed_at=row.get("signed_at") or timezone.now(),
            latitude=_coordinate(row.get("latitude"), "latitude", 90),
            longitude=_coordinate(row.get("longitude"), "longitude", 180),
            device=str(row.get("device") or "")[:300], channel=SignatureChannel.ONLINE)
    audit_record(actor=None, action="create", obj=authorisation, actor_name="resident",
                 region_path=region_path,
                 detail={"request": intake_number, "online": True,
                         "members": [str(r.get("member_id") or "") for r, _d in checked],
                         "consent_version": CONSENT_VERSION, "consent_sm3": CONSENT_SM3})
    return authorisation


def online_signatures(intake_number: str) -> list[OnlineSignature]:
    """The signatures an online request brought, in the order they were drawn."""
    found = (AuthorisationSignature.objects
             .filter(authorisation__intake_number=intake_number,
                     authorisation__household__isnull=True)
             .order_by("signed_at", "id"))
    return [OnlineSignature(member_id=s.member_id, name=s.name, image=bytes(s.image),
                            signed_at=s.signed_at, latitude=s.latitude, longitude=s.longitude,
                            device=s.device) for s in found]
