"""Demo of 签署核对授权: a few open dibao cases of 城关街道 whose adult members signed the
authorisation electronically (the signed D04 and D01 issued), one on the window's pad and
one on the investigator's phone, and one case where one adult is still to sign."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.db import transaction

from jiuzhu.accounts.demo import demo_user
from jiuzhu.verification.models import Authorisation, SignatureChannel

from .choices import State
from .models import Application
from .signing import case_sign, case_signers

#: How many cases of each kind (fully signed at the window / on a phone, half signed).
SIGNED_WINDOW, SIGNED_PHONE, HALF_SIGNED = 1, 1, 1
DEVICE: dict[str, str] = {SignatureChannel.WINDOW: "窗口签名板（示范）",
                          SignatureChannel.PHONE: "Mozilla/5.0 (Linux; Android 14) 示范手机"}


def demo_signature(seed: int) -> str:
    """A drawn-looking signature: a few strokes that differ with ``seed``."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 140), "white")
    pen = ImageDraw.Draw(image)
    x = 24
    for stroke in range(3 + seed % 3):
        points = [(x + step * 14, 70 + ((seed + stroke * 7 + step * 11) % 5 - 2) * 14)
                  for step in range(5)]
        pen.line(points, fill="#111", width=4, joint="curve")
        x += 84
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _sign_all(application: Application, actor: Any, channel: str, *, leave: int = 0) -> int:
    adults = [s.member for s in case_signers(application)[1] if s.adult]
    signed = 0
    for index, member in enumerate(adults[:len(adults) - leave] if leave else adults):
        case_sign(actor=actor, application=application, member_id=member.member_id,
                  image=demo_signature(application.pk + index), channel=channel,
                  latitude="39.904200" if channel == SignatureChannel.PHONE else None,
                  longitude="116.407400" if channel == SignatureChannel.PHONE else None,
                  device=DEVICE[channel])
        signed += 1
    return signed


def load_signing_demo() -> int:
    """Sign the demo cases, once (a load after the first adds nothing); returns how many
    signatures were added."""
    window, investigator = demo_user("window1"), demo_user("investigator1")
    if window is None or investigator is None:
        return 0
    open_cases = (Application.objects.filter(item_code="MZ01", region__code="990102001",
                                             state__in=(State.SUBMITTED, State.ACCEPTED))
                  .select_related("household", "region").order_by("id"))
    if Authorisation.objects.filter(
            case_number__in=[a.number for a in open_cases]).exists():
        return 0  # signed by an earlier load
    plan = ([(window, SignatureChannel.WINDOW, 0)] * SIGNED_WINDOW
            + [(investigator, SignatureChannel.PHONE, 0)] * SIGNED_PHONE
            + [(window, SignatureChannel.WINDOW, 1)] * HALF_SIGNED)
    added = 0
    for application in open_cases:
        if not plan:
            break
        adults = sum(1 for s in case_signers(application)[1] if s.adult)
        fits = [entry for entry in plan
                if adults >= 1 + entry[2] and (not entry[2] or adults >= 2)
                and (entry[1] != SignatureChannel.PHONE or application.state == State.ACCEPTED)
                and entry[0].has_perm("applications.sign_authorisation", application)]
        if not fits:
            continue
        actor, channel, leave = fits[0]
        plan.remove(fits[0])
        with transaction.atomic():
            added += _sign_all(application, actor, channel, leave=leave)
    return added
