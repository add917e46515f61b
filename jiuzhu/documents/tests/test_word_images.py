"""The Word files of D04, D06 and D07 carry the drawn signatures (and D06 its photos) as
pictures, as their PDFs do (docxtpl ``InlineImage``, 3 cm wide)."""

from __future__ import annotations

import base64
import io
import zipfile

from docx import Document as WordDocument
from docx.shared import Cm

from jiuzhu.documents.examples import example_context
from jiuzhu.documents.specs import template_find
from jiuzhu.documents.word import docx_text, render_docx


def _png(seed: int) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 160), "white")
    ImageDraw.Draw(image).line([(20, 120), (90 + seed * 7, 40), (300, 50 + seed)], fill="black",
                               width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _media(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return [n for n in docx.namelist() if n.startswith("word/media/")]


def _widths(data: bytes) -> list[float]:
    document = WordDocument(io.BytesIO(data))
    return [shape.width.cm for shape in document.inline_shapes]


def _render(code: str, context: dict) -> bytes:
    context["document"] = {"code": code, "number": "示范县第1镇民低〔2026〕第0042号"}
    return render_docx(template_find(code), context)


def test_d04_d06_d07_word_files_hold_the_signature_images():
    # D04: each adult's signature in the members' table, the applicant's on the signing line
    context = example_context("D04")
    members = context["household"]["members"]
    for index, member in enumerate(members):
        member["signature"] = _png(index)
        member["sign_note"] = "电子签名 2026-12-06"
    context.setdefault("authorisation", {})["applicant_signature"] = _png(9)
    data = _render("D04", context)
    assert len(_media(data)) >= 2  # identical pictures may share one file
    widths = _widths(data)
    assert len(widths) == len(members) + 1
    assert all(abs(w - Cm(3).cm) < 0.01 for w in widths)
    assert "电子签名 2026-12-06" in docx_text(data)  # the text stays with the picture

    # D06: the investigators' and the member's signatures and the photos
    context = example_context("D06")
    investigation = context.setdefault("investigation", {})
    investigation["signature_images"] = {"investigator_1": _png(1), "investigator_2": _png(2),
                                         "applicant": _png(3)}
    investigation["photos"] = [{"thumbnail": _png(4), "taken_at": "2026-12-06 10:00"}]
    data = _render("D06", context)
    assert len(_media(data)) == 4
    assert sorted(round(w) for w in _widths(data)) == [3, 3, 3, 4]
    assert "调查人员（签字）" in docx_text(data)

    # D07: the visited neighbours' and the investigators' signatures
    context = example_context("D07")
    visits = context.get("neighbour_visits") or [{"name": "李四", "statement": "情况属实"}]
    for index, visit in enumerate(visits):
        visit["signature_image"] = _png(10 + index)
    context["neighbour_visits"] = visits
    context.setdefault("investigation", {})["signature_images"] = {
        "investigator_1": _png(20), "investigator_2": _png(21)}
    data = _render("D07", context)
    assert len(_media(data)) == len(visits) + 2


def test_no_signature_no_picture():
    data = _render("D04", example_context("D04"))
    assert _media(data) == []
