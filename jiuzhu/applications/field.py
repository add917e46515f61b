"""The investigator's field kit (移动调查): short video clips, document scans combined into
one PDF, the investigation sent exactly once (an idempotency key per submission), and the
pictures D06/D07 print (photo thumbnails, the drawn signatures).

``investigation_submit`` is the one entry point of the investigation page and of the
phone's offline queue: the same key sent twice — a retry after a lost answer, a queue
flushed twice — records one investigation and answers the first result again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error

from .attachments import MAX_BYTES, sniff
from .models import Application, Attachment

VIDEO_MATERIAL = "入户视频"
SCAN_MATERIAL = "调查扫描件"
VIDEO_MAX_BYTES = 20 * 1024 * 1024
VIDEO_MAX_SECONDS = 60
VIDEO_MAX_COUNT = 3
SCAN_MAX_PAGES = 20
THUMBNAILS_MAX = 12
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Video:
    name: str
    data: bytes
    content_type: str
    extension: str
    seconds: float | None  # None: the file does not say (a live WebM recording)


# --- video clips: type, size and length read from the content -----------------------------

def _mp4_seconds(data: bytes) -> float | None:
    """The movie header's duration (``moov/mvhd``) of an MP4/QuickTime file."""

    def boxes(start: int, end: int) -> Any:
        offset = start
        while offset + 8 <= end:
            size, kind = struct.unpack(">I4s", data[offset:offset + 8])
            header = 8
            if size == 1 and offset + 16 <= end:
                size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
                header = 16
            elif size == 0:
                size = end - offset
            if size < header:
                return
            yield kind, offset + header, min(offset + size, end)
            offset += size

    for kind, start, end in boxes(0, len(data)):
        if kind != b"moov":
            continue
        for inner, body, _stop in boxes(start, end):
            if inner != b"mvhd":
                continue
            version = data[body]
            if version == 1:
                timescale, duration = struct.unpack(">IQ", data[body + 20:body + 32])
            else:
                timescale, duration = struct.unpack(">II", data[body + 12:body + 20])
            return duration / timescale if timescale else None
    return None


def _webm_seconds(data: bytes) -> float | None:
    """Segment/Info/Duration of a WebM (Matroska) file, when the recorder wrote it."""
    info = data.find(b"\x15\x49\xa9\x66")
    if info < 0:
        return None
    window = data[info:info + 4096]
    scale = 1_000_000
    at = window.find(b"\x2a\xd7\xb1")
    if at >= 0:
        length = window[at + 3] & 0x0F if window[at + 3] >= 0x80 else 0
        if 0 < length <= 8:
            scale = int.from_bytes(window[at + 4:at + 4 + length], "big")
    for marker, size, form in ((b"\x44\x89\x88", 8, ">d"), (b"\x44\x89\x84", 4, ">f")):
        at = window.find(marker)
        if at >= 0:
            (value,) = struct.unpack(form, window[at + 3:at + 3 + size])
            return float(value) * scale / 1e9
    return None


def video_kind(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an MP4, QuickTime or WebM file by its first bytes."""
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm", "webm"
    if head[4:8] == b"ftyp":
        return ("video/quicktime", "mov") if head[8:12] == b"qt  " else ("video/mp4", "mp4")
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "video/quicktime", "mov"
    return None


def video_check(name: str, data: bytes, path: str = "videos") -> Video:
    """A clip as kept: MP4, MOV or WebM by content, at most 20 MB and 60 seconds; 422
    naming ``path`` otherwise (the name is never trusted)."""
    if not data:
        raise field_error(path, _("视频文件 %(name)s 为空") % {"name": name})
    if len(data) > VIDEO_MAX_BYTES:
        raise field_error(path, _("视频 %(name)s 超过 %(mb)s MB") % {
            "name": name, "mb": VIDEO_MAX_BYTES // 1024 // 1024})
    kind = video_kind(bytes(data[:16]))
    if kind is None:
        raise field_error(path, _("%(name)s 不是 MP4、MOV 或 WebM 视频（按内容识别）") % {"name": name})
    seconds = _webm_seconds(data) if kind[1] == "webm" else _mp4_seconds(data)
    if seconds is not None and seconds > VIDEO_MAX_SECONDS + 0.5:
        raise field_error(path, _("视频 %(name)s 长 %(seconds)s 秒，不能超过 %(limit)s 秒") % {
            "name": name, "seconds": round(seconds), "limit": VIDEO_MAX_SECONDS})
    return Video(name=name[:200], data=data, content_type=kind[0], extension=kind[1],
                 seconds=seconds)


# --- document scanning: several photos into one A4 PDF ---------------------------------------

def scan_pdf(pages: list[tuple[str, bytes]], path: str = "scans") -> bytes:
    """The photos of a document taken in a row, one A4 page each in the order taken
    (turned upright by their EXIF orientation, scaled to the page); 422 naming ``path``
    for a file that is not a JPEG or PNG photo, too large, or too many pages."""
    from fpdf import FPDF
    from PIL import Image, ImageOps

    if len(pages) > SCAN_MAX_PAGES:
        raise field_error(path, _("扫描件最多 %(pages)s 页") % {"pages": SCAN_MAX_PAGES})
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_creator("救助 Jiuzhu")
    for number, (name, data) in enumerate(pages, start=1):
        kind = sniff(bytes(data[:16]))
        if kind is None or kind[0] == "application/pdf":
            raise field_error(path, _("第 %(n)s 页（%(name)s）不是 JPEG 或 PNG 照片") % {"n": number, "name": name})
        if len(data) > MAX_BYTES:
            raise field_error(path, _("第 %(n)s 页（%(name)s）超过 %(mb)s MB") % {
                "n": number, "name": name, "mb": MAX_BYTES // 1024 // 1024})
        try:
            image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
            image = image.convert("RGB")
        except Exception:  # noqa: BLE001 — any unreadable picture is the field's error
            raise field_error(path, _("第 %(n)s 页（%(name)s）无法读取") % {"n": number, "name": name}) from None
        image.thumbnail((2000, 2000))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=82)
        pdf.add_page()
        margin = 10.0
        room_w, room_h = pdf.w - 2 * margin, pdf.h - 2 * margin
        scale = min(room_w / image.width, room_h / image.height)
        width, height = image.width * scale, image.height * scale
        pdf.image(io.BytesIO(buffer.getvalue()), x=(pdf.w - width) / 2, y=(pdf.h - height) / 2,
                  w=width, h=height)
    return bytes(pdf.output())


# --- the submission, exactly once -------------------------------------------------------------

def _replayed(application_id: int, key: str) -> Application | None:
    app = Application.objects.filter(pk=application_id).first()
    if key and app is not None and (app.investigation or {}).get("submission_key") == key:
        return app
    return None


def replayed_submission(application: Application, key: str) -> bool:
    """Whether the case's investigation was recorded by the submission ``key``."""
    return bool(key) and (application.investigation or {}).get("submission_key") == key


def investigation_submit(*, actor: Any, application_id: int, key: str, data: dict[str, Any],
                         files: list[tuple[str, str, bytes]],
                         videos: Sequence[tuple[str, bytes]] = (),
                         scans: Sequence[tuple[str, bytes]] = ()) -> tuple[Application, bool]:
    """Record the home investigation (``record_investigation``) with its videos and the
    scan PDF → (application, replayed). ``key`` is the submission's idempotency key: when
    the case's investigation was recorded with it, nothing is written and the first result
    is answered again (``replayed``). Every check before anything is written; all or
    nothing."""
    from . import services

    key = (key or "").strip()
    if key and not KEY.match(key):
        raise field_error("submission_key", _("提交编号格式不正确"))
    replay = _replayed(application_id, key)
    if replay is not None:
        _audit_replay(actor, replay, key)
        return replay, True
    if len(videos) > VIDEO_MAX_COUNT:
        raise field_error("videos", _("最多 %(n)s 段视频") % {"n": VIDEO_MAX_COUNT})
    clips = [video_check(name, content, f"videos.{i}") for i, (name, content) in enumerate(videos)]
    files = list(files)
    if scans:
        files.append((SCAN_MATERIAL, _("扫描件（%(n)s页）.pdf") % {"n": len(scans)}, scan_pdf(list(scans))))
    try:
        with transaction.atomic():
            app = services.application_act(
                actor=actor, application_id=application_id, action="record_investigation",
                data={**data, "submission_key": key}, files=files)
            for clip in clips:
                _store_video(app, actor, clip)
    except ServiceError as error:
        # two deliveries of one submission at once: the second waited on the case's lock
        # and found it recorded — with this key, that is the first result, not an error
        replay = _replayed(application_id, key) if error.code == ErrorCode.STEP_NOT_ALLOWED else None
        if replay is None:
            raise
        _audit_replay(actor, replay, key)
        return replay, True
    return app, False


def _audit_replay(actor: Any, application: Application, key: str) -> None:
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": "record_investigation", "replayed": True, "submission_key": key})


def _store_video(application: Application, actor: Any, clip: Video) -> Attachment:
    digest = hashlib.sha256(clip.data).hexdigest()
    attachment = Attachment(application=application, kind="other", material=VIDEO_MATERIAL,
                            content_type=clip.content_type, size=len(clip.data), sha256=digest,
                            original_name=clip.name,
                            uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.file.save(f"{digest[:16]}.{clip.extension}", ContentFile(clip.data), save=False)
    attachment.save()
    return attachment


# --- pictures for D06 and D07 -----------------------------------------------------------------

def _data_uri(attachment: Attachment, *, thumbnail: bool) -> str:
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    if not thumbnail:
        if attachment.content_type not in ("image/png", "image/jpeg"):
            return ""
        return f"data:{attachment.content_type};base64,{base64.b64encode(data).decode()}"
    from PIL import Image, ImageOps

    try:
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    except Exception:  # noqa: BLE001 — a picture that cannot be read is left out
        return ""
    image.thumbnail((480, 480))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def document_pictures(application: Application) -> dict[str, Any]:
    """The investigation as D06/D07 print it: photo thumbnails (``investigation.photos``:
    ``{title, taken_at, thumbnail}``), the drawn signatures (``investigation.signature_images``
    by signer) and each neighbour's (``neighbour_visits[].signature_image``)."""
    investigation = dict(application.investigation or {})
    photos: list[dict[str, str]] = []
    signatures: dict[str, str] = {}
    for attachment in application.attachments.filter(kind__in=("photo", "signature")):
        if attachment.kind == "photo" and len(photos) < THUMBNAILS_MAX \
                and attachment.content_type in ("image/png", "image/jpeg"):
            thumbnail = _data_uri(attachment, thumbnail=True)
            if thumbnail:
                photos.append({"title": attachment.original_name or attachment.material,
                               "taken_at": attachment.uploaded_at.strftime("%Y-%m-%d %H:%M"),
                               "thumbnail": thumbnail})
        elif attachment.kind == "signature":
            signatures[attachment.material] = _data_uri(attachment, thumbnail=False)
    investigation["photos"] = photos
    investigation["signature_images"] = signatures
    visits = [{**visit, "signature_image": signatures.get(f"neighbour_{n}", "")}
              for n, visit in enumerate(investigation.get("neighbour_visits") or [], start=1)]
    return {"investigation": investigation, "neighbour_visits": visits}
