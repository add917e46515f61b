"""The engine's explanation in a worker's words: plain names instead of G, D, P and
formulas, exact amounts kept, the rules version and parameter dates under 详细依据."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jiuzhu.assessments.wording import worker_lines, worker_reason
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict

EXPLANATION = {
    "quantities": {
        "gross_income": {"label": "家庭年总收入 G（精确值）", "value": "14400.004", "unit": "元/年"},
        "deductions": {"label": "刚性支出扣减 D", "value": "1200.00", "unit": "元/年"},
        "per_capita_monthly_income": {"label": "家庭人均月收入 P（四舍五入到分）",
                                      "value": "550.00", "unit": "元/人/月"},
        "future": {"label": "新的量 X", "value": "1.00", "unit": "元"},
    },
    "vetoes": [{"code": "V03", "label": "拥有两套以上住房"}],
    "decision": {"reason": "存在一票否决情形：V03，不符合低保条件"},
}


def test_worker_lines_name_the_figures_in_words_and_keep_the_exact_amounts():
    lines = worker_lines(EXPLANATION)
    assert [line["label"] for line in lines] == ["家庭年总收入", "刚性支出扣减", "人均月收入", "新的量 X"]
    assert [line["value"] for line in lines] == ["14400.004", "1200.00", "550.00", "1.00"]
    assert lines[0]["formula"] == "家庭年总收入 G（精确值）"
    for line in lines[:3]:
        assert not re.search(r"\b[GDP]\b|max\(", line["label"] + line["hint"])
    assert worker_reason(EXPLANATION) == "存在一票否决情形：拥有两套以上住房，不符合低保条件"
    assert worker_lines(None) == [] and worker_reason(None) == ""


@pytest.mark.django_db
def test_the_household_panel_speaks_plainly_and_folds_the_basis(client, window_worker):
    household = household_register(actor=window_worker, data=household_dict(
        members=[member_dict(occupation="unemployed", income={"wages": 1200})]))
    client.force_login(window_worker)
    body = client.post(reverse("assessments:panel", args=[household.pk]),
                       {"on": "2026-03-01"}).content.decode()
    shown, basis = body.split('data-testid="basis"')
    for words in ("家庭年总收入", "刚性支出扣减", "人均月收入", "月保障金"):
        assert words in shown
    assert "G（" not in shown and "max(0" not in shown and "规则版本" not in shown
    assert "规则版本 rules-" in basis and "参数生效日期" in basis and "max(0, G − D)" in basis


@pytest.mark.django_db
def test_documents_quote_the_explanation_in_a_workers_words(window_worker, tree):
    from jiuzhu.applications import services
    from jiuzhu.applications.documents import document_context
    from jiuzhu.assessments.services import assessment_run

    household = household_register(actor=window_worker, data=household_dict(
        members=[member_dict(occupation="unemployed", health="serious_illness",
                             income={"wages": 1200})]))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    application = services.application_create(
        actor=window_worker, household=household, item_code="MZ01", channel="window",
        files=[(m, f"{m}.pdf", pdf) for m in ("户口簿", "身份证", "家庭经济状况核对授权书",
                                               "收入证明", "财产申报表")])
    # The procedure assesses at its own step; here the record is attached directly.
    application.assessment = assessment_run(actor=window_worker, household=household)
    context = document_context(application)
    labels = [line["label"] for line in context["explanation_lines"]]
    assert "家庭年总收入" in labels and "刚性支出扣减" in labels and "人均月收入" in labels
    assert not any("max(" in label or " G" in label for label in labels)
    assert context["decision_reason"]
