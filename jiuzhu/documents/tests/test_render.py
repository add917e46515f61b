"""Rendering: PDF (fpdf2) and Word (docxtpl) of every document, blanks, fonts, layout."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from jiuzhu.documents.content import BLANK, render_content
from jiuzhu.documents.examples import example_context
from jiuzhu.documents.pdf import content_pdf, printable, render_pdf
from jiuzhu.documents.specs import template_find
from jiuzhu.documents.text_filters import cn_date, cn_number, mask_id, rmb_upper
from jiuzhu.documents.word import docx_text, render_docx

from .conftest import pdf_text, squeeze

CODES = [f"D{n:02d}" for n in range(1, 28)]
NUMBER = "示范县第1镇民低〔2026〕第0042号"


def _context(code: str) -> dict:
    context = example_context(code)
    context["document"] = {"code": code, "number": NUMBER}
    return context


@pytest.mark.parametrize("code", CODES)
def test_every_document_renders_a_pdf_and_a_word_file_with_title_number_and_name(code):
    spec, context = template_find(code), _context(code)
    title = render_content(spec, context).title
    text = pdf_text(render_pdf(spec, context))
    for expected in (title, NUMBER, "张秀英", "示范县第1镇人民政府"):
        assert squeeze(expected) in text, expected
    word = squeeze(docx_text(render_docx(spec, context)))
    for expected in (title, NUMBER, "张秀英", "示范县第1镇人民政府"):
        assert squeeze(expected) in word, expected


def test_the_pdf_embeds_the_chinese_font():
    data = render_pdf(template_find("D13"), _context("D13"))
    assert b"/FontFile" in data
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True,
                               check=True).stdout.decode()
        line = next(li for li in fonts.splitlines() if "NotoSerif" in li)
        assert line.split()[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, unicode map


def test_the_pdf_is_a4_with_page_numbers():
    context = _context("D14")
    context["reasons"] = [f"第{n}条理由：家庭财产状况不符合本县规定的条件" * 3 for n in range(40)]
    data = render_pdf(template_find("D14"), context)
    assert b"/MediaBox [0 0 595.28 841.89]" in data
    text = pdf_text(data)
    pages = re.findall(r"第(\d+)页共(\d+)页", text)
    assert len(pages) > 1
    assert [int(p) for p, _ in pages] == list(range(1, len(pages) + 1))
    assert {int(total) for _, total in pages} == {len(pages)}
    assert "（四十）" in text  # the last reason made it
    last_page = text.split(f"第{len(pages) - 1}页共{len(pages)}页")[1]
    assert "（盖章）" in last_page and "一式两份" in last_page


def test_missing_fields_render_as_blanks_and_are_listed():
    context = _context("D13")
    del context["amount"]
    context["applicant"]["id_number"] = None  # None counts as missing
    context["start_month"] = "  "  # so does an empty text
    content = render_content(template_find("D13"), context)
    assert {"amount", "applicant.id_number", "start_month"} <= set(content.missing_fields)
    text = pdf_text(content_pdf(content))
    assert f"公民身份号码：{BLANK}" in text
    assert f"月保障金为人民币{BLANK}元（大写：{BLANK}）" in text


def test_a_list_missing_from_the_context_leaves_blank_rows_and_is_listed():
    context = _context("D13")
    del context["household"]["members"]
    content = render_content(template_find("D13"), context)
    assert "household.members" in content.missing_fields
    table = next(b.table for b in content.blocks if b.kind == "table")
    assert [c.text for c in table.rows[1].cells] == ["", "", "", ""]


def test_a_missing_field_of_a_row_is_listed_with_its_list():
    context = _context("D13")
    del context["household"]["members"][1]["id_number"]
    content = render_content(template_find("D13"), context)
    assert content.missing_fields == ["household.members[].id_number"]


@pytest.mark.parametrize("code", CODES)
def test_an_empty_context_never_crashes_and_lists_what_the_document_needs(code):
    content = render_content(template_find(code), {})
    assert {"office.name", "applicant.name", "case.number", "today"} <= set(content.missing_fields)
    if code in ("D06", "D08", "D09", "D10", "D12", "D18"):  # the forms with most tables
        assert content_pdf(content).startswith(b"%PDF")


def test_d03_title_follows_accepted():
    spec = template_find("D03")
    refused = _context("D03") | {"accepted": False, "reasons": "户籍不在本镇"}
    accepted = render_content(spec, _context("D03"))
    refusal = render_content(spec, refused)
    assert accepted.title == "受理通知书"
    assert refusal.title == "不予受理通知书"
    assert "（一）户籍不在本镇" in [b.text for b in refusal.blocks]
    assert "示范县人民政府" in "".join(b.text for b in refusal.blocks)  # appeal rights
    blank = render_content(spec, {})
    assert blank.title == "受理（不予受理）通知书" and "accepted" in blank.missing_fields


def test_d08_flattens_the_verification_report():
    content = render_content(template_find("D08"), _context("D08"))
    results = [b.table for b in content.blocks if b.kind == "table"][2]
    assert [c.text for c in results.rows[1].cells][:4] == [
        "李国强", "公安 车辆：机动车", "无", "二轮摩托车1辆（2012年登记）"]
    assert len(results.rows) == 3  # header + one line per member and source


def test_yaml_line_folds_do_not_leave_spaces_between_chinese_characters():
    content = render_content(template_find("D13"), _context("D13"))
    assert "直接向示范县人民法院提起行政诉讼" in "".join(b.text for b in content.blocks)


def test_characters_outside_the_font_are_replaced_not_dropped():
    assert printable("P − D ☑ 张三") == "P - D ■ 张三"
    assert printable("\U0002a700") == "〓"  # CJK Extension C: in no embedded font


def _pdffonts(data: bytes) -> str:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    return subprocess.run(["pdffonts", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def test_a_name_in_any_cjk_character_prints_from_the_fallback_font_only_when_needed():
    """𠮷 (Extension B) and 䶮 (Extension A) are outside the GBK subset: they print from
    the fallback fonts, which are embedded only in the document that needs them."""
    name = "𠮷䶮龘"
    context = _context("D13")
    context["applicant"]["name"] = name
    data = render_pdf(template_find("D13"), context)
    text = pdf_text(data)
    assert name in text
    assert "〓" not in text
    fonts = _pdffonts(data)
    assert "HanaMinA" in fonts and "HanaMinB" in fonts
    for line in fonts.splitlines():
        if "HanaMin" in line:
            assert line.split()[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, mapped
    plain = _pdffonts(render_pdf(template_find("D13"), _context("D13")))
    assert "NotoSerif" in plain and "HanaMin" not in plain
    assert printable(name) == name


def test_labels_stay_chinese_whatever_the_users_language():
    from django.utils import translation

    from jiuzhu.documents.text_filters import label, labels

    labels.cache_clear()
    with translation.override("en"):
        assert (label("head"), label("severe_disability"), label("rural")) == (
            "户主", "重度残疾", "农村")


def test_filters():
    assert rmb_upper("1748.00") == "壹仟柒佰肆拾捌元整"
    assert rmb_upper("1200.05") == "壹仟贰佰元零伍分"
    assert rmb_upper("100100") == "壹拾万零壹佰元整"
    assert mask_id("990102197005010021") == "990102********0021"
    assert cn_date("2026-03-05") == "2026年3月5日"
    assert cn_number(12) == "十二"


def test_the_word_file_uses_the_chinese_font_and_keeps_the_tables():
    import io

    from docx import Document as WordDocument

    data = render_docx(template_find("D10"), _context("D10"))
    document = WordDocument(io.BytesIO(data))
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    rfonts = document.styles["Normal"].element.rPr.rFonts
    assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    members = document.tables[1]
    assert [c.text for c in members.rows[0].cells][:3] == ["序号", "姓名", "与申请人关系"]
    assert members.rows[1].cells[1].text == "张秀英"
    assert "家庭住址" in [c.text for c in document.tables[0].rows[2].cells]
    assert "DB-990102001-2026-0042" in docx_text(data)
