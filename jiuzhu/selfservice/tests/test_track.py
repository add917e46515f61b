"""Following progress: the query code alone shows nothing; wrong code and wrong digits get
the same answer; refusals are limited per address."""

from __future__ import annotations

import re

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.testing import UserFactory

from .conftest import fill_until_review

pytestmark = pytest.mark.django_db

intake_models = pytest.importorskip("jiuzhu.intake.models")
Request = intake_models.Request


@pytest.fixture
def submitted(client, tree, person):
    fill_until_review(client, person, tree)
    assert client.post("/self/apply/review/").status_code == 302
    return Request.objects.get()


def track(client, code, last4, **extra):
    return client.post("/self/track/", {"code": code, "last4": last4}, **extra)


def test_the_right_digits_show_each_item(client, submitted, person,
                                         django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = track(client, submitted.query_code.lower(), person["id_number"][-4:])
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="progress"' in page
    assert page.count('data-testid="progress-item"') == 2
    assert "临时救助" in page and "教育局" in page and "待窗口受理" in page
    assert "王*英" in page and "王秀英" not in page
    assert person["id_number"] not in page and person["phone"] not in page


def test_a_code_alone_shows_nothing(client, submitted, person):
    wrong_digits = track(client, submitted.query_code, "0000" if not person["id_number"]
                         .endswith("0000") else "1111")
    wrong_code = track(client, "ZZZZZZZZ", person["id_number"][-4:])
    for response in (wrong_digits, wrong_code):
        page = response.content.decode()
        assert response.status_code == 404
        assert "查询码或身份证号码后 4 位不正确" in page
        assert 'data-testid="progress"' not in page
        assert "临时救助" not in page and "王*英" not in page
    # The same words for both, so neither can be probed.
    def alert(response):
        return re.search(r'data-testid="track-error">(.*?)</div>', response.content.decode()).group(1)

    assert alert(wrong_digits) == alert(wrong_code)


def test_refusals_are_limited_per_address(client, submitted, person, settings):
    settings.SELF_TRACK_MAX_FAILURES_PER_HOUR = 3
    for _ in range(3):
        assert track(client, submitted.query_code, "9999").status_code == 404
    response = track(client, submitted.query_code, person["id_number"][-4:])
    assert response.status_code == 429
    assert 'data-testid="progress"' not in response.content.decode()
    assert AuditEvent.objects.filter(action="self_track_failed").count() == 3
    # Another address still gets its answer.
    response = track(client, submitted.query_code, person["id_number"][-4:],
                     REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200


def test_badly_typed_input_names_the_field(client, tree):
    response = track(client, "??", "12")
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="code"' in page and 'data-field="last4"' in page


def test_what_an_officer_asked_for_is_shown(client, tree, person, window_worker):
    from jiuzhu.intake.models import RequestItem
    from jiuzhu.intake.services import item_act, request_take

    fill_until_review(client, person, tree, items=("JY02", "HS01"))
    client.post("/self/apply/review/")
    submitted = Request.objects.get()

    request_take(actor=window_worker, request=submitted, household=None)
    item = RequestItem.objects.get(request=submitted, item_code="JY02")
    officer = UserFactory(username="jy", full_name="赵经办", role="department_officer",
                          region=window_worker.region.parent, department="JY")
    item_act(actor=officer, item=item, action="accept")
    item_act(actor=officer, item=item, action="request_more", data={"missing": ["学籍证明"]})
    page = track(client, submitted.query_code, person["id_number"][-4:]).content.decode()
    assert 'data-testid="missing"' in page and "学籍证明" in page
    assert "待补充材料" in page and "部门受理" in page
    # Steps name what was done, never who did it.
    assert "赵经办" not in page and window_worker.full_name not in page


def test_one_code_cannot_be_guessed_from_many_addresses(client, submitted, person, settings):
    settings.SELF_TRACK_MAX_FAILURES_PER_CODE = 3
    for n in range(3):
        response = track(client, submitted.query_code, "9999", REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 404
    response = track(client, submitted.query_code, person["id_number"][-4:],
                     REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    # Other codes are not affected.
    assert track(client, "ABCDEFGH", "1234", REMOTE_ADDR="10.0.0.9").status_code == 404
