"""The verification pages as an officer and their colleagues use them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.testing import UserFactory
from jiuzhu.verification.models import VerificationRequest
from jiuzhu.verification.services import verification_request_create, verification_run

from .conftest import id_of, pdf_upload, write_csv

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def verified(officer, household, exports):
    """A request whose vehicles source found a hidden car; deposits are down."""
    write_csv(exports, "vehicles", [["身份证号", "号牌号码", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "示A12345", "小型轿车", "85000"]])
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload(),
                                          sources=["vehicles", "deposits"])
    return verification_run(request=request)


def test_an_officer_requests_a_verification_with_the_default_sources(
        client, officer, household, django_capture_on_commit_callbacks):
    client.force_login(officer)
    url = reverse("verification:create", args=[household.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('type="checkbox" name="sources"') == 7
    assert page.content.decode().count("checked") == 7
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"authorisation": pdf_upload(),
                                     "sources": ["hukou", "vehicles", "deposits"]})
    request = VerificationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("verification:detail", args=[request.pk])
    assert request.sources == ["hukou", "vehicles", "deposits"]
    assert request.status == "complete"  # the demo sources answered at once
    assert AuditEvent.objects.filter(action="create", object_id=str(request.pk)).exists()


def test_an_executable_named_pdf_is_refused_next_to_the_field(client, officer, household):
    client.force_login(officer)
    exe = pdf_upload("授权书.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post(reverse("verification:create", args=[household.pk]),
                           {"authorisation": exe, "sources": ["hukou"]})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="authorisation-errors"' in html
    assert "不是 PDF、JPG 或 PNG 格式" in unescape(html)
    assert 'value="hukou" id="id_sources_0" checked' in html  # what was picked is kept
    assert not VerificationRequest.objects.exists()


def test_the_request_page_shows_sources_and_the_report(client, officer, verified):
    client.force_login(officer)
    response = client.get(reverse("verification:detail", args=[verified.pk]))
    assert response.status_code == 200
    text = _text(response)
    assert "部分返回" in text and "暂不可用" in text and "未找到存款数据的导出文件" in text
    assert "小汽车 85,000.00 元" in text and "张三：小汽车 85,000.00 元（示A12345）" in text
    html = response.content.decode()
    finding = verified.findings.get()
    assert f'id="finding-{finding.pk}" class="table-danger"' in html
    assert reverse("verification:decide", args=[finding.pk]) in html
    assert 'data-testid="run"' in html  # deposits can be asked again
    assert AuditEvent.objects.filter(action="view", object_id=str(verified.pk)).exists()


def test_a_colleague_may_view_but_not_run_or_decide(client, window_worker, verified):
    client.force_login(window_worker)
    page = client.get(reverse("verification:detail", args=[verified.pk]))
    assert page.status_code == 200
    assert 'name="decision"' not in page.content.decode()
    assert 'data-testid="run"' not in page.content.decode()
    finding = verified.findings.get()
    assert client.post(reverse("verification:run", args=[verified.pk])).status_code == 403
    assert client.post(reverse("verification:decide", args=[finding.pk]),
                       {"decision": "dismiss", "reason": "x"}).status_code == 403
    assert client.get(reverse("verification:create", args=[verified.household.pk])).status_code == 403
    finding.refresh_from_db()
    assert finding.status == "open"


def test_another_township_gets_not_found(client, tree, verified):
    stranger = UserFactory(role="verification_officer", region=tree["town2"])
    client.force_login(stranger)
    finding = verified.findings.get()
    for url in (reverse("verification:detail", args=[verified.pk]),
                reverse("verification:print", args=[verified.pk]),
                reverse("verification:authorisation", args=[verified.pk]),
                reverse("verification:sources", args=[verified.pk]),
                reverse("verification:create", args=[verified.household.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("verification:run", args=[verified.pk])).status_code == 404
    assert client.post(reverse("verification:decide", args=[finding.pk]),
                       {"decision": "accept", "reason": "x"}).status_code == 404
    assert "没有核对申请" in _text(client.get(reverse("verification:list")))


def test_deciding_without_a_reason_says_so_next_to_the_field(client, officer, verified):
    client.force_login(officer)
    finding = verified.findings.get()
    url = reverse("verification:decide", args=[finding.pk])
    response = client.post(url, {"decision": "dismiss", "reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="reason-error-{finding.pk}"' in html and "请填写处理理由" in html
    finding.refresh_from_db()
    assert finding.status == "open"
    response = client.post(url, {"decision": "accept", "reason": "车管所登记在户主名下"},
                           HTTP_HX_REQUEST="true")
    assert "已采纳" in _text(response) and "车管所登记在户主名下" in _text(response)
    assert verified.household.vehicles.get().kind == "car"


def test_a_decision_without_htmx_redirects_to_the_finding(client, officer, verified):
    client.force_login(officer)
    finding = verified.findings.get()
    response = client.post(reverse("verification:decide", args=[finding.pk]),
                           {"decision": "dismiss", "reason": "已过户"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#finding-{finding.pk}")
    finding.refresh_from_db()
    assert finding.status == "dismissed"


def test_rerunning_from_the_page(client, officer, verified, exports,
                                 django_capture_on_commit_callbacks):
    write_csv(exports, "deposits", [["身份证号", "存款余额"]])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("verification:run", args=[verified.pk]))
    assert response.status_code == 302
    verified.refresh_from_db()
    assert verified.status == "complete"
    assert AuditEvent.objects.filter(action="verify", object_id=str(verified.pk)).count() == 3


def test_the_source_status_polls_while_a_run_is_queued(client, officer, household):
    client.force_login(officer)
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload())  # not committed: queued
    url = reverse("verification:sources", args=[request.pk])
    polling = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 3s"' in polling.content.decode()
    assert "HX-Refresh" not in polling
    verification_run(request=request)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger' not in done.content.decode()
    assert done["HX-Refresh"] == "true"


def test_the_printable_report(client, officer, verified):
    client.force_login(officer)
    response = client.get(reverse("verification:print", args=[verified.pk]))
    assert response.status_code == 200
    text = _text(response)
    assert "家庭经济状况核对报告" in text and "本报告未完成" in text
    assert "核对员（签字）" in text and "<form" not in response.content.decode()


def test_the_authorisation_can_be_read_back(client, window_worker, verified):
    client.force_login(window_worker)
    response = client.get(reverse("verification:authorisation", args=[verified.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_list_shows_the_region_without_a_query_per_row(client, officer, household):
    def add_request() -> None:
        verification_run(request=verification_request_create(
            actor=officer, household=household, authorisation=pdf_upload(), sources=["hukou"]))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("verification:list")).status_code == 200
        return len(captured)

    client.force_login(officer)
    add_request()
    one = queries()
    for _ in range(5):
        add_request()
    assert queries() == one
    assert _text(client.get(reverse("verification:list"))).count("H1") == 6
    filtered = client.get(reverse("verification:list"), {"status": "partial"})
    assert "没有核对申请" in _text(filtered)


def test_starting_by_household_number(client, officer, window_worker, household):
    client.force_login(officer)
    assert 'data-testid="start-form"' in client.get(reverse("verification:list")).content.decode()
    response = client.get(reverse("verification:start"), {"household_id": "H1"})
    assert response["Location"] == reverse("verification:create", args=[household.pk])
    missing = client.get(reverse("verification:start"), {"household_id": "NOPE"}, follow=True)
    assert "没有找到家庭编号为“NOPE”的家庭" in _text(missing)
    client.force_login(window_worker)
    assert 'data-testid="start-form"' not in client.get(reverse("verification:list")).content.decode()
