"""The online application: every step names the field it refuses, stores nothing on error,
keeps what was typed, and a submitted application waits in the window queue."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.audit.models import AuditEvent
from jiuzhu.selfservice import drafts

from .conftest import PDF, PNG, fill_until_review, post_household, post_identity, wrong_check

pytestmark = pytest.mark.django_db

intake_models = pytest.importorskip("jiuzhu.intake.models")
Request = intake_models.Request


def draft_of(client) -> dict:
    return client.session.get(drafts.KEY) or {}


def test_identity_refuses_a_wrong_check_digit_naming_the_field(client, tree, person):
    response = post_identity(client, {**person, "id_number": wrong_check(person["id_number"])})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="id_number"' in page and "身份证号码：" in page
    assert 'aria-invalid="true"' in page
    # What was typed stays, nothing is kept as done, nothing is stored.
    assert wrong_check(person["id_number"]) in page
    assert "identity" not in draft_of(client)
    assert client.get("/self/apply/household/").status_code == 302
    assert Request.objects.count() == 0


def test_identity_needs_the_verification_consent_and_a_phone(client, tree, person):
    response = client.post("/self/", {"name": person["name"], "id_number": person["id_number"],
                                      "phone": "12345"})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="consent"' in page and "家庭经济状况核对授权" in page
    assert 'data-field="phone"' in page


def test_a_reload_keeps_what_was_typed(client, tree, person):
    post_identity(client, {**person, "phone": "bad"})
    page = client.get("/self/").content.decode()
    assert person["id_number"] in page and person["name"] in page


def test_household_names_the_member_and_keeps_the_other_rows(client, tree, person):
    post_identity(client, person)
    response = post_household(client, person, tree, **{"m1-id_number": wrong_check(person["spouse"])})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="m1-id_number"' in page
    assert 'data-field="m0-id_number"' not in page
    assert "刘大山" in page and "第1村3组18号" in page
    assert "household" not in draft_of(client)
    # A reload shows the rows as typed.
    assert "刘大山" in client.get("/self/apply/household/").content.decode()


def test_household_needs_the_applicant_among_the_members(client, tree, person):
    post_identity(client, person)
    response = post_household(client, person, tree, **{"m0-name": "", "m0-id_number": "",
                                                        "m0-relation": ""})
    assert response.status_code == 422
    assert 'data-field="members"' in response.content.decode()


def test_household_refuses_duplicate_members_and_an_unknown_village(client, tree, person):
    post_identity(client, person)
    response = post_household(client, person, tree, village="999999999999",
                              **{"m1-id_number": person["id_number"]})
    page = response.content.decode()
    assert 'data-field="village"' in page and 'data-field="m1-id_number"' in page
    assert "重复" in page


def test_add_member_adds_a_row_without_checking(client, tree, person):
    post_identity(client, person)
    response = client.post("/self/apply/household/", {
        "member_count": "1", "m0-name": person["name"], "m0-id_number": "123",
        "action": "add_member"})
    assert response.status_code == 302
    page = client.get("/self/apply/household/").content.decode()
    assert 'name="m1-name"' in page and 'value="123"' in page


def test_items_need_one_item_in_force(client, tree, person):
    post_identity(client, person)
    post_household(client, person, tree)
    response = client.post("/self/apply/items/", {"items": ["NOPE"]})
    assert response.status_code == 422
    response = client.post("/self/apply/items/", {})
    assert response.status_code == 422
    assert "请至少选择一个申请事项" in response.content.decode()
    page = client.get("/self/apply/items/").content.decode()
    # Grouped by department with the materials each needs.
    assert "民政局" in page and "教育局" in page and "学籍证明" in page


def test_uploads_are_checked_by_content_and_name_the_material(client, tree, person):
    post_identity(client, person)
    post_household(client, person, tree)
    client.post("/self/apply/items/", {"items": ["MZ04"]})
    page = client.get("/self/apply/uploads/").content.decode()
    assert "身份证" in page and "困难情况说明" in page
    fake = SimpleUploadedFile("id.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    good = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    response = client.post("/self/apply/uploads/", {"file-0": fake, "file-1": good})
    page = response.content.decode()
    assert response.status_code == 422
    assert "“身份证”只能上传 JPEG、PNG 照片或 PDF 文件" in page
    # The good file is kept; the review is not reachable yet.
    assert draft_of(client)["uploads"].keys() == {"困难情况说明"}
    assert client.get("/self/apply/review/").status_code == 302
    empty = SimpleUploadedFile("id.png", b"", content_type="image/png")
    response = client.post("/self/apply/uploads/", {"file-0": empty})
    assert "“身份证”的文件是空的" in response.content.decode()


def test_steps_cannot_be_skipped(client, tree):
    for url in ("/self/apply/household/", "/self/apply/items/", "/self/apply/uploads/",
                "/self/apply/review/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/self/"
    assert client.post("/self/apply/review/").status_code == 302
    assert Request.objects.count() == 0


def test_submit_lands_in_the_window_queue(client, tree, person, window_worker,
                                          other_window_worker):
    from jiuzhu.intake.selectors import window_queue

    fill_until_review(client, person, tree, files={
        "file-0": SimpleUploadedFile("sfz.png", PNG, content_type="image/png")})
    page = client.get("/self/apply/review/").content.decode()
    assert "义务教育家庭经济困难学生生活补助" in page and "临时救助" in page
    response = client.post("/self/apply/review/")
    assert response.status_code == 302 and response.url == "/self/apply/done/"
    request = Request.objects.get()
    assert request.channel == "online" and request.status == "awaiting_window"
    assert request.household_id is None
    assert sorted(request.requested_items) == ["JY02", "MZ04"]
    assert request.applicant_id_number == person["id_number"]
    assert request.household_data["region_code"] == tree["village1"].code
    assert [m["id_number"] for m in request.household_data["members"]] == [
        person["id_number"], person["spouse"]]
    assert [(f.material, f.content_type) for f in request.files.all()] == [("身份证", "image/png")]
    assert list(window_queue(window_worker)) == [request]
    assert list(window_queue(other_window_worker)) == []
    done = client.get("/self/apply/done/").content.decode()
    assert request.query_code in done and "请把查询码抄下来" in done
    # The draft and its scans are gone; a second submit has nothing to send.
    assert drafts.KEY not in client.session
    assert client.post("/self/apply/review/").status_code == 302
    assert Request.objects.count() == 1
    assert AuditEvent.objects.filter(action="self_apply").count() == 1


def test_the_household_data_can_be_registered_by_the_window(client, tree, person, window_worker):
    from jiuzhu.households.services import household_validate

    fill_until_review(client, person, tree)
    client.post("/self/apply/review/")
    request = Request.objects.get()
    household_validate(actor=window_worker, data=dict(request.household_data))


def test_honeypot_stores_nothing(client, tree, person):
    fill_until_review(client, person, tree)
    response = client.post("/self/apply/review/", {"website": "http://spam.example"})
    assert response.status_code == 400
    assert Request.objects.count() == 0
    response = post_identity(client, person, website="http://spam.example")
    assert response.status_code == 422


def test_submissions_per_hour_from_one_address_are_limited(client, tree, person, settings):
    settings.SELF_APPLY_MAX_PER_HOUR = 2
    for _ in range(2):
        fill_until_review(client, person, tree)
        assert client.post("/self/apply/review/").status_code == 302
    fill_until_review(client, person, tree)
    response = client.post("/self/apply/review/")
    assert response.status_code == 429
    assert "提交次数过多" in response.content.decode()
    assert Request.objects.count() == 2
    # Another address is not held back.
    response = client.post("/self/apply/review/", REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302
    assert Request.objects.count() == 3


def test_the_pages_are_public_and_phone_sized(client, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/self/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in page and "form-control-lg" in page
    assert "cdn" not in page.lower()


def test_the_items_page_reads_the_catalogue_once(client, tree, person,
                                                 django_assert_max_num_queries):
    post_identity(client, person)
    post_household(client, person, tree)
    with django_assert_max_num_queries(8):
        assert client.get("/self/apply/items/").status_code == 200


def test_upload_too_large_is_refused(client, tree, person, monkeypatch):
    from jiuzhu.selfservice import views

    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 100)
    post_identity(client, person)
    post_household(client, person, tree)
    client.post("/self/apply/items/", {"items": ["MZ04"]})
    big = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    response = client.post("/self/apply/uploads/", {"file-0": big})
    assert "“身份证”的文件太大" in response.content.decode()


def test_scans_of_abandoned_applications_are_purged(client, tree, person):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    post_identity(client, person)
    post_household(client, person, tree)
    client.post("/self/apply/items/", {"items": ["MZ04"]})
    client.post("/self/apply/uploads/", {
        "file-0": SimpleUploadedFile("id.png", PNG, content_type="image/png")})
    path = draft_of(client)["uploads"]["身份证"]["path"]
    assert default_storage.exists(path)
    assert drafts.drafts_purge(older_than=timedelta(hours=1)) == 0
    call_command("selfservice_purge", "--hours", "0", stdout=io.StringIO())
    assert not default_storage.exists(path)


def test_village_must_lie_in_the_chosen_township(client, tree, person):
    post_identity(client, person)
    response = post_household(client, person, tree, township=tree["town2"].code)
    assert response.status_code == 422
    assert 'data-field="village"' in response.content.decode()
    # Without a township (no JavaScript) the village decides it.
    assert post_household(client, person, tree).status_code == 302
    assert draft_of(client)["household"]["township"] == tree["town1"].code


def test_an_item_retired_meanwhile_is_refused_and_nothing_is_stored(client, tree, person):
    from django.utils import timezone

    from jiuzhu.catalogue.models import Item

    fill_until_review(client, person, tree)
    current = Item.objects.filter(code="JY02").latest("valid_from")
    Item.objects.create(code="JY02", valid_from=timezone.localdate(), name=current.name,
                        department=current.department, level=current.level,
                        limit=current.limit, retired=True)
    response = client.post("/self/apply/review/")
    page = response.content.decode()
    assert response.status_code == 422
    assert "JY02" in page and 'href="/self/apply/items/"' in page
    assert Request.objects.count() == 0
    assert not AuditEvent.objects.filter(action="self_apply").exists()
    # The draft is still there to be corrected.
    assert draft_of(client)["items"] == ["MZ04", "JY02"]


def test_intakes_refusal_points_to_the_step_to_fix(client, tree, person, monkeypatch):
    from jiuzhu.core.errors import ErrorCode, ServiceError
    from jiuzhu.selfservice import gateway

    def refuse(**kwargs):
        raise ServiceError(ErrorCode.VALIDATION, "申请人信息有误",
                           [{"path": "applicant.name", "message": "请填写申请人姓名"}])

    fill_until_review(client, person, tree)
    monkeypatch.setattr(gateway, "submit_online", refuse)
    response = client.post("/self/apply/review/")
    assert response.status_code == 422
    assert 'class="alert-link" href="/self/"' in response.content.decode()


def test_the_request_and_its_audit_are_one_write(client, tree, person, monkeypatch):
    from jiuzhu.selfservice import services

    def audit_fails(**kwargs):
        raise RuntimeError("disk full")

    fill_until_review(client, person, tree)
    monkeypatch.setattr(services, "audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        client.post("/self/apply/review/")
    # Intake created the request; the failed audit row took it back with it.
    assert Request.objects.count() == 0


def test_household_and_review_pages_stay_cheap(client, tree, person,
                                                django_assert_max_num_queries):
    fill_until_review(client, person, tree)
    with django_assert_max_num_queries(8):
        assert client.get("/self/apply/household/").status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get("/self/apply/review/").content.decode()
    assert "户主" in page and "配偶" in page and "第1村" in page
