"""The demo source is off unless the demo county is loaded, and what it answers is marked
演示数据 on the report page, the printed report and the documents quoting it."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from jiuzhu.core.flags import DEMO_COUNTY, flag_set
from jiuzhu.documents.content import render_content
from jiuzhu.documents.examples import example_context
from jiuzhu.documents.specs import TEMPLATES_DIR, template_load
from jiuzhu.verification.adapters import (
    SOURCES,
    DemoAdapter,
    FileExportAdapter,
    adapter_for,
    demo_answers,
)
from jiuzhu.verification.selectors import verification_report
from jiuzhu.verification.services import verification_request_create, verification_run

from .conftest import id_of, pdf_upload, write_csv

pytestmark = pytest.mark.django_db

IN_COUNTY = {"region_code": "990102001001"}
ELSEWHERE = {"region_code": "990103001001"}


@pytest.mark.skipif("VERIFICATION_DEMO" in os.environ, reason="the environment sets it")
def test_the_setting_is_off_by_default():
    from jiuzhu import settings as production

    assert production.VERIFICATION_DEMO is False


def test_off_until_the_demo_county_is_loaded_then_only_for_its_households(exports):
    assert not demo_answers("990102001001")
    assert isinstance(adapter_for("deposits", declared=IN_COUNTY), FileExportAdapter)
    flag_set(DEMO_COUNTY, "990102")
    assert isinstance(adapter_for("deposits", declared=IN_COUNTY), DemoAdapter)
    assert isinstance(adapter_for("deposits", declared=ELSEWHERE), FileExportAdapter)
    assert isinstance(SOURCES["deposits"], FileExportAdapter)  # no household: no demo
    write_csv(exports, "deposits", [["身份证号", "金融资产"]])
    assert isinstance(adapter_for("deposits", declared=IN_COUNTY), FileExportAdapter)


def test_the_setting_turns_it_on_everywhere(settings):
    settings.VERIFICATION_DEMO = True
    assert isinstance(adapter_for("deposits", declared=ELSEWHERE), DemoAdapter)


@pytest.fixture
def mixed(officer, household, exports):
    """Vehicles answered from the department's export file, deposits by the demo source."""
    flag_set(DEMO_COUNTY, "990102")
    write_csv(exports, "vehicles", [["身份证号", "号牌号码", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "示A12345", "小型轿车", "85000"]])
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload(),
                                          sources=["vehicles", "deposits"])
    return verification_run(request=request)


def test_the_report_marks_each_demo_answer(mixed):
    report = verification_report(mixed)
    assert report["complete"] and report["demo"] is True
    assert {s["code"]: s["demo"] for s in report["sources"]} == {"vehicles": False,
                                                                 "deposits": True}
    in_groups = {s["code"]: s["demo"] for g in report["groups"] for s in g["sources"]}
    assert in_groups == {"vehicles": False, "deposits": True}


def test_the_pages_label_demo_data(client, officer, mixed):
    client.force_login(officer)
    for name in ("verification:detail", "verification:print"):
        page = client.get(reverse(name, args=[mixed.pk])).content.decode()
        assert 'data-testid="demo-warning"' in page
        assert page.count("演示数据") >= 2


def test_no_label_without_demo_answers(client, officer, household, exports):
    write_csv(exports, "deposits", [["身份证号", "金融资产"], [id_of(household, "M1"), "0"]])
    request = verification_run(request=verification_request_create(
        actor=officer, household=household, authorisation=pdf_upload(), sources=["deposits"]))
    assert verification_report(request)["demo"] is False
    client.force_login(officer)
    page = client.get(reverse("verification:detail", args=[request.pk])).content.decode()
    assert "演示数据" not in page


def _text(code: str, verification: dict) -> str:
    context = {**example_context(code), "verification": verification}
    content = render_content(template_load(TEMPLATES_DIR / "default" / f"{code}.yaml"), context)
    return repr(content.blocks)


@pytest.mark.parametrize("code", ["D08", "D10", "D12"])
def test_the_documents_quoting_the_report_say_demo_data(mixed, code):
    report = verification_report(mixed)
    assert "演示数据" in _text(code, report)
    real = {**report, "demo": False,
            "sources": [{**s, "demo": False} for s in report["sources"]],
            "groups": [{**g, "sources": [{**s, "demo": False} for s in g["sources"]]}
                       for g in report["groups"]]}
    assert "演示数据" not in _text(code, real)
