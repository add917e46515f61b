"""The catalogue of the 27 documents (D01–D24 of the dibao procedure, D25–D27 of the
emergency cases) and their template files."""

from __future__ import annotations

import zipfile
from collections import Counter

import pytest
import yaml

from jiuzhu.documents.catalogue import catalogue_entries, catalogue_entry
from jiuzhu.documents.content import render_content
from jiuzhu.documents.examples import example_context
from jiuzhu.documents.specs import TEMPLATES_DIR, template_errors, template_find, template_load
from jiuzhu.documents.word import GENERIC_TEMPLATE

CODES = [f"D{n:02d}" for n in range(1, 28)]


def test_catalogue_has_the_27_documents_in_their_six_groups():
    entries = catalogue_entries()
    assert [e.code for e in entries] == CODES
    assert Counter(e.group for e in entries) == {
        "告知受理": 3, "核实": 8, "审批": 4, "动态管理": 3, "日常监管": 6, "急难救助": 3}
    assert catalogue_entry("D13").title == "准予最低生活保障决定书"
    assert catalogue_entry("D13").series == "民低"
    assert catalogue_entry("D01").series == "民低受"
    assert "applicant.name" in catalogue_entry("D20").required_fields
    assert catalogue_entry("D25").series == "民急"
    assert catalogue_entry("D28") is None


@pytest.mark.parametrize("code", CODES)
def test_every_default_template_is_valid_and_filled_by_the_example(code):
    path = TEMPLATES_DIR / "default" / f"{code}.yaml"
    assert template_errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []
    spec = template_load(path)
    content = render_content(spec, example_context(code))
    assert content.missing_fields == [], "the catalogue, the template and the example disagree"
    assert content.title and content.blocks


def test_the_example_override_is_valid():
    spec = template_load(TEMPLATES_DIR / "990102" / "D01.yaml")
    assert spec.source == "990102/D01.yaml"
    assert render_content(spec, example_context("D01")).missing_fields == []


@pytest.mark.parametrize(("data", "message"), [
    ("just text", "映射"),
    ({"blocks": ["x"]}, "title"),
    ({"title": "T"}, "blocks"),
    ({"title": "T", "blocks": [{"table": {"rows": [["a"]]}, "heading": "x"}]}, "之一"),
    ({"title": "T", "blocks": [{"heading": "x", "colour": "red"}]}, "colour"),
    ({"title": "T", "blocks": [{"table": {"each": "household.members"}}]}, "each 与 row"),
    ({"title": "T", "blocks": [{"table": {"rows": [["a"]], "widths": [0]}}]}, "widths"),
    ({"title": "T", "blocks": [{"table": {"rows": "a"}}]}, "行的列表"),
    ({"title": "T", "blocks": [{"signature": {"witness": True}}]}, "signature"),
    ({"title": "T", "blocks": [{"text": "x", "align": "middle"}]}, "align"),
])
def test_template_errors_say_what_is_wrong(data, message):
    errors = template_errors(data)
    assert errors and any(message in e for e in errors), errors


def test_a_broken_override_is_refused_not_silently_replaced(tmp_path, settings, tree):
    folder = tmp_path / "990102"
    folder.mkdir()
    (folder / "D02.yaml").write_text("title: 坏模板\nblocks: 7\n", encoding="utf-8")
    settings.DOCUMENT_TEMPLATE_DIRS = [tmp_path]
    from jiuzhu.core.errors import ErrorCode, ServiceError
    with pytest.raises(ServiceError) as error:
        template_find("D02", tree["town1"])
    assert error.value.code == ErrorCode.VALIDATION


def test_the_generic_word_template_holds_the_jinja_tags():
    with zipfile.ZipFile(GENERIC_TEMPLATE) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
        styles = docx.read("word/styles.xml").decode("utf-8")
    for tag in ("{{ title }}", "{{ number }}", "{%p for block in blocks %}",
                "{%tr for row in block.rows %}", "{%tc for cell in row %}",
                "{{r cell.text }}", "{{ block.seal }}", "{%p for party in block.parties %}"):
        assert tag in xml, tag
    assert 'w:eastAsia="宋体"' in styles and 'w:ascii="SimSun"' in styles
