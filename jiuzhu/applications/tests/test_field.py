"""移动调查 (field kit): the structured survey beside the registry, video clips and document
scans checked by content, the investigation recorded once per submission key, D06/D07
with photo thumbnails and the drawn signatures, the service worker and navigation."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from jiuzhu.applications import field
from jiuzhu.applications.models import Application, ApplicationStep
from jiuzhu.applications.views_field import navigation_links
from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.content import content_from_dict
from jiuzhu.documents.models import Document
from jiuzhu.documents.pdf import content_pdf

from .test_views import PHONE, SIGN, advance, submitted


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 3, 2))


def jpeg(color="red", size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def mp4(seconds: int) -> bytes:
    """A minimal MP4: ftyp, then moov/mvhd with the duration (timescale 1000)."""
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0, b"isom")
    mvhd_body = bytes(4) + struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_body), b"mvhd") + mvhd_body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    return ftyp + moov + struct.pack(">I4s", 16, b"mdat") + bytes(8)


def webm(seconds: float) -> bytes:
    info = b"\x15\x49\xa9\x66\x90" + b"\x2a\xd7\xb1\x83\x0f\x42\x40" + b"\x44\x89\x88" + struct.pack(">d", seconds * 1000)
    return b"\x1a\x45\xdf\xa3\x80" + b"\x18\x53\x80\x67\x01" + info


def page_form(case, **extra) -> dict:
    form = {"investigator_1": "周明", "investigator_2": "李强", "visited_on": "2026-03-02",
            "lat": "30.1", "lng": "104.2", "findings": "住房简陋",
            "sign_investigator_1": SIGN, "sign_investigator_2": SIGN, "sign_applicant": SIGN,
            "neighbour_name": ["邻居甲"], "neighbour_relation": ["东邻"],
            "neighbour_statement": ["家中确有困难"], "neighbour_signature": [SIGN],
            "photos": [SimpleUploadedFile("厨房.jpg", jpeg(), "image/jpeg")]}
    return {**form, **extra}


@pytest.fixture
def case(staff, poor_household):
    return advance(staff, submitted(staff, poor_household), "assign_investigation")


def survey_fields(household, **changes) -> dict:
    """The page's survey as declared (pre-filled), with ``changes``."""
    fields = {"survey__present": "1"}
    for member in household.members.all():
        for kind in ("wages", "business", "property", "transfer", "pension"):
            fields[f"survey__income__{member.member_id}__{kind}"] = str(getattr(member, kind))
    fields.update(changes)
    return fields


# --- survey --------------------------------------------------------------------------------

def test_survey_errors_name_the_member_and_field_and_change_nothing(client, staff, case, poor_household):
    client.force_login(staff["investigator"])
    url = reverse("applications:investigate_submit", args=[case.pk])
    first = poor_household.members.first()
    answer = client.post(url, page_form(case, submission_key="k" * 16, **survey_fields(
        poor_household, **{f"survey__income__{first.member_id}__wages": "很多"})), **PHONE)
    assert answer.status_code == 422
    body = answer.json()
    assert body["status"] == "invalid"
    error = body["errors"][0]
    assert error["path"] == "survey.members[0].incomes.wages"
    assert error["message"].startswith(f"{first.name} 工资性收入：")
    negative = client.post(url, page_form(case, submission_key="k" * 17, **survey_fields(
        poor_household, survey__financial_assets="-5")), **PHONE)
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["path"] == "survey.financial_assets"
    assert "存款等金融资产" in negative.json()["errors"][0]["message"]
    case.refresh_from_db()
    assert not case.investigation_recorded and not case.attachments.filter(kind="photo").exists()


def test_a_member_not_of_the_household_is_refused(staff, case):
    with pytest.raises(ServiceError) as refused:
        field.investigation_submit(
            actor=staff["investigator"], application_id=case.pk, key="",
            data={"investigators": ["周明", "李强"], "location": {"lat": 30, "lng": 104},
                  "signatures": {"investigator_1": SIGN, "investigator_2": SIGN, "applicant": SIGN},
                  "neighbour_visits": [{"name": "甲", "statement": "困难"}],
                  "survey": {"members": [{"member_id": "X9", "incomes": {"wages": 1}}]}},
            files=[("入户照片", "a.jpg", jpeg())])
    assert refused.value.errors[0]["path"] == "survey.members[0].member_id"


def test_differences_are_stated_on_the_case_and_in_d06(client, staff, case, poor_household):
    client.force_login(staff["investigator"])
    first = poor_household.members.first()  # declared wages 1,200 元/年
    done = client.post(reverse("applications:investigate", args=[case.pk]), page_form(
        case, submission_key="a" * 20, **survey_fields(
            poor_household, **{f"survey__income__{first.member_id}__wages": "6000",
                               "survey__vehicles__car": "1", "survey__housing": "两间平房"})),
        **PHONE)
    assert done.status_code == 302
    case.refresh_from_db()
    texts = [d["text"] for d in case.investigation["differences"]]
    assert f"{first.name} 工资性收入：申报 1,200.00 元/年，调查核实 6,000.00 元/年（多 4,800.00 元/年）" in texts
    assert "车辆（小汽车）：申报 0 辆，调查核实 1 辆（多 1 辆）" in texts
    assert case.investigation["housing"] == "两间平房"
    client.force_login(staff["window"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert texts[0] in page
    d06 = Document.objects.get(code="D06", object_id=case.pk)
    words = str(d06.content)
    assert texts[0] in words and "两间平房" in words


# --- video and scans ------------------------------------------------------------------------

def test_videos_are_checked_by_content_length_and_size(monkeypatch):
    assert field.video_check("a.mp4", mp4(30)).seconds == 30
    assert field.video_check("b.webm", webm(12.5)).content_type == "video/webm"
    with pytest.raises(ServiceError) as long:
        field.video_check("c.mp4", mp4(90), "videos.0")
    assert long.value.errors[0]["path"] == "videos.0" and "90 秒" in long.value.message
    with pytest.raises(ServiceError) as fake:
        field.video_check("d.mp4", jpeg())  # a photo named .mp4
    assert "不是 MP4、MOV 或 WebM" in fake.value.message
    monkeypatch.setattr(field, "VIDEO_MAX_BYTES", 100)
    with pytest.raises(ServiceError) as big:
        field.video_check("e.mp4", mp4(5))
    assert "超过" in big.value.message


def test_scans_become_one_a4_pdf_in_order_and_a_video_is_kept(client, staff, case):
    client.force_login(staff["investigator"])
    pages = [SimpleUploadedFile(f"p{n}.jpg", jpeg(color, (600, 800)), "image/jpeg")
             for n, color in enumerate(("red", "green", "blue"), start=1)]
    done = client.post(reverse("applications:investigate_submit", args=[case.pk]), page_form(
        case, submission_key="s" * 20, scans=pages,
        videos=[SimpleUploadedFile("v.mp4", mp4(20), "video/mp4")]), **PHONE)
    assert done.status_code == 200, done.content
    scan = case.attachments.get(material=field.SCAN_MATERIAL)
    data = scan.file.read()
    assert scan.content_type == "application/pdf"
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 3
    assert b"595.28" in data  # A4 width in points
    video = case.attachments.get(material=field.VIDEO_MATERIAL)
    assert video.content_type == "video/mp4"


def test_a_scan_page_that_is_not_a_photo_is_refused(staff, case):
    with pytest.raises(ServiceError) as refused:
        field.scan_pdf([("a.jpg", jpeg()), ("b.pdf", b"%PDF-1.4 x")])
    assert refused.value.errors[0]["path"] == "scans" and "第 2 页" in refused.value.message


# --- exactly once ---------------------------------------------------------------------------

def test_the_same_submission_key_twice_records_once_and_answers_the_same(client, staff, case):
    client.force_login(staff["investigator"])
    url = reverse("applications:investigate_submit", args=[case.pk])
    first = client.post(url, page_form(case, submission_key="same-key-123456"), **PHONE)
    again = client.post(url, page_form(case, submission_key="same-key-123456"), **PHONE)
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "recorded" and again.json()["status"] == "replayed"
    assert {k: v for k, v in first.json().items() if k != "status"} == \
        {k: v for k, v in again.json().items() if k != "status"}
    case.refresh_from_db()
    assert case.attachments.filter(kind="photo").count() == 1
    assert ApplicationStep.objects.filter(application=case, action="record_investigation").count() == 1
    assert Document.objects.filter(object_id=case.pk, code="D06").count() == 1


def test_a_bad_key_is_refused(staff, case):
    with pytest.raises(ServiceError) as refused:
        field.investigation_submit(actor=staff["investigator"], application_id=case.pk,
                                   key="a b", data={}, files=[])
    assert refused.value.errors[0]["path"] == "submission_key"


def test_the_queue_endpoint_sends_a_lost_session_to_the_login(client, case):
    answer = client.post(reverse("applications:investigate_submit", args=[case.pk]), {})
    assert answer.status_code == 302 and "/accounts/login" in answer["Location"]


# --- D06 and D07 with pictures --------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils")
def test_d06_and_d07_print_the_photos_and_signatures(client, staff, case, tmp_path):
    client.force_login(staff["investigator"])
    done = client.post(reverse("applications:investigate_submit", args=[case.pk]), page_form(
        case, submission_key="pictures-1234", photos=[
            SimpleUploadedFile("厨房.jpg", jpeg("red"), "image/jpeg"),
            SimpleUploadedFile("卧室.jpg", jpeg("blue"), "image/jpeg")]), **PHONE)
    assert done.status_code == 200
    counts = {}
    for code in ("D06", "D07"):
        document = Document.objects.get(code=code, object_id=case.pk)
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(content_pdf(content_from_dict(document.content)))
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True,
                                 text=True, check=True).stdout.splitlines()[2:]
        counts[code] = len([line for line in listing if " image " in line])
    assert counts["D06"] >= 2 + 3  # two photos, three signatures (two investigators, applicant)
    assert counts["D07"] >= 1 + 2  # the neighbour's signature, two investigators


# --- navigation and the service worker ------------------------------------------------------

def test_navigation_links_by_coordinates_or_address():
    by_place = navigation_links("东门社区1号", {"lat": 30.1, "lng": 104.2})
    assert by_place["geo"].startswith("geo:30.1,104.2?q=30.1,104.2(")
    assert "position=104.2,30.1" in by_place["amap"] and "location=30.1,104.2" in by_place["baidu"]
    by_text = navigation_links("东门社区1号")
    assert by_text["geo"].startswith("geo:0,0?q=%E4%B8%9C") and by_text["by"] == "address"


def test_the_page_offers_navigation_survey_and_queue(client, staff, poor_household):
    from jiuzhu.applications import services

    case = services.application_act(
        actor=staff["reviewer"], application_id=advance(staff, submitted(staff, poor_household), "accept").pk,
        action="assign_investigation",
        data={"investigator_ids": [staff["investigator"].pk, staff["assistant"].pk]})
    client.force_login(staff["investigator"])
    content = client.get(reverse("applications:investigate", args=[case.pk]), **PHONE).content.decode()
    for marker in ('data-testid="navigate-geo"', "data-survey", "data-field-queue",
                   'name="submission_key"', "applications/field.js", "data-video-input",
                   "data-scan-input", "data-neighbour-pad"):
        assert marker in content, marker
    mine = client.get(reverse("applications:my_investigations"), **PHONE).content.decode()
    assert 'data-testid="navigate-geo"' in mine and poor_household.address in mine


def test_the_service_worker_is_served_for_the_applications_scope(client, staff):
    client.force_login(staff["window"])  # not one of 我的调查's people
    assert client.get(reverse("applications:service_worker")).status_code == 403
    client.force_login(staff["investigator"])
    answer = client.get(reverse("applications:service_worker"))
    assert answer.status_code == 200
    assert answer["Service-Worker-Allowed"] == "/applications/"
    assert answer["Content-Type"].startswith("application/javascript")
    assert b"jiuzhu-field-" in answer.content
    assert "worker-src 'self'" in answer.get("Content-Security-Policy", "worker-src 'self'")


def test_replaying_after_the_case_moved_on_still_answers_the_first_result(staff, case):
    data = {"investigators": ["周明", "李强"], "location": {"lat": 30, "lng": 104},
            "signatures": {"investigator_1": SIGN, "investigator_2": SIGN, "applicant": SIGN},
            "neighbour_visits": [{"name": "甲", "statement": "困难"}]}
    first, replayed = field.investigation_submit(actor=staff["investigator"], application_id=case.pk,
                                                 key="moved-on-1234", data=data,
                                                 files=[("入户照片", "a.jpg", jpeg())])
    assert not replayed
    again, replayed = field.investigation_submit(actor=staff["investigator"], application_id=case.pk,
                                                 key="moved-on-1234", data=data,
                                                 files=[("入户照片", "a.jpg", jpeg())])
    assert replayed and again.pk == first.pk
    assert Application.objects.get(pk=case.pk).attachments.filter(kind="photo").count() == 1
