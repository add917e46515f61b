"""Second factor (二次验证, issue #14 item 5): TOTP (django-otp) with 10 one-time recovery
codes (``otp_static``, stored as keyed hashes only).

Who must: the roles of :data:`REQUIRED_ROLES` (and superusers) where the nearest
:class:`~jiuzhu.accounts.models.SecondFactorPolicy` above the user (or ``TWO_FACTOR_DEFAULT``)
says ``required_roles``; they enrol at their next sign-in. Anyone else may enrol. Whoever
has a confirmed device is asked for a code at every sign-in."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.audit.services import audit_record

from .choices import Role
from .models import SecondFactorMode, SecondFactorPolicy, User

#: The roles that must use a second factor where the policy asks for it.
REQUIRED_ROLES = frozenset({Role.COUNTY_APPROVER, Role.TOWNSHIP_REVIEWER,
                            Role.VERIFICATION_OFFICER, Role.ADMINISTRATOR})
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def policy_mode(user: User) -> str:
    """The second-factor mode of the nearest region (the user's own or one above it) that
    has a policy; ``TWO_FACTOR_DEFAULT`` where none has."""
    region = user.region if user.region_id else None
    if region is None:
        return settings.TWO_FACTOR_DEFAULT
    chain = [*region.ancestors(), region]
    modes = dict(SecondFactorPolicy.objects.filter(region__in=chain)
                 .values_list("region_id", "mode"))
    for r in reversed(chain):
        if r.pk in modes:
            return modes[r.pk]
    return settings.TWO_FACTOR_DEFAULT


def is_required(user: User) -> bool:
    return ((user.role in REQUIRED_ROLES or user.is_superuser)
            and policy_mode(user) == SecondFactorMode.REQUIRED_ROLES)


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def next_step(user: User) -> str | None:
    """What the sign-in still needs after the password: ``"verify"`` (a code of the
    enrolled device), ``"enrol"`` (required but not enrolled yet) or ``None``."""
    if totp_device(user) is not None:
        return "verify"
    if is_required(user):
        return "enrol"
    return None


def enrolment_device(user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device (made now if there is none): its secret is shown
    until a code from it confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four (for typing into an authenticator app)."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address of the device as an inline SVG QR code (no script)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def recovery_digest(user: User, code: str) -> str:
    """A recovery code as stored: HMAC-SHA256 under the secret key and the user, 16 hex
    digits (``StaticToken.token`` holds 16 characters)."""
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hmac.new(settings.SECRET_KEY.encode(), f"{user.pk}:{normalised}".encode(),
                    hashlib.sha256).hexdigest()[:16]


@transaction.atomic
def new_recovery_codes(user: User, *, actor: User | None = None) -> list[str]:
    """Ten new one-time recovery codes (the old ones no longer work); they are returned
    this once and only their hashes are kept."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        device.token_set.create(token=recovery_digest(user, code))
        codes.append(code)
    audit_record(actor=actor or user, action="update", obj=user,
                 detail={"second_factor": "recovery_codes", "user": user.username},
                 region_path=user.region_path)
    return codes


@transaction.atomic
def confirm_enrolment(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from it: the user's other TOTP devices go, ten
    recovery codes are made and returned. ``None`` when the code is wrong."""
    if device.user_id != user.pk or not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="update", obj=user,
                 detail={"second_factor": "totp_enrolled", "user": user.username},
                 region_path=user.region_path)
    return new_recovery_codes(user)


def verify(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device a code is good for: the TOTP device, or the recovery codes (a recovery
    code is used up); ``None`` when it is good for neither."""
    code = (code or "").strip()
    if not code:
        return None
    if code.isdigit() and len(code) <= 8:  # an authenticator code (a recovery code has letters)
        device = totp_device(user)
        return device if device is not None and device.verify_token(code) else None
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is not None and static.verify_token(recovery_digest(user, code)):
        return static
    return None


@transaction.atomic
def policy_set(*, region, mode: str, actor: User | None = None) -> SecondFactorPolicy:
    """Set the 二次验证要求 of ``region`` (a county, usually)."""
    from jiuzhu.core.errors import field_error

    if mode not in SecondFactorMode.values:
        raise field_error("mode", _("二次验证要求只能是 off 或 required_roles"))
    policy, _created = SecondFactorPolicy.objects.update_or_create(region=region,
                                                                   defaults={"mode": mode})
    audit_record(actor=actor, actor_name="" if actor else "system", action="update", obj=region,
                 detail={"second_factor_policy": mode, "region": region.code},
                 region_path=region.path)
    return policy


@transaction.atomic
def reset(user: User, *, actor: User | None = None) -> None:
    """Forget the user's TOTP device and recovery codes (a lost phone): they enrol again at
    the next sign-in where it is required, or may choose to."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, actor_name="" if actor else "system", action="update", obj=user,
                 detail={"second_factor": "reset", "user": user.username},
                 region_path=user.region_path)
