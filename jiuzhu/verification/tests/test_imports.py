"""部门数据导入: validate by row and column, preview the differences, apply all or nothing,
audited; only the county's verifiers; waiting requests asked again."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.testing import UserFactory
from jiuzhu.verification.imports import (
    source_import_apply,
    source_import_discard,
    source_import_preview,
)
from jiuzhu.verification.models import SourceImport

from .conftest import id_of, pdf_upload, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "姓名", "号牌号码", "车辆类型", "评估价值（元）"]


def csv_upload(rows, name="vehicles.csv", encoding="utf-8-sig"):
    out = io.StringIO()
    import csv

    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


@pytest.fixture
def county_officer(tree):
    return UserFactory(username="verifier9", role="verification_officer", region=tree["county"])


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_kept(county_officer, household,
                                                                  exports):
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        source_import_preview(actor=county_officer, source="vehicles", upload=csv_upload([
            HEADER, [id_of(household, "M1"), "张三", "示A1", "小型轿车", "85000"],
            [id_of(household, "M2"), "李四", "示A2", "小型轿车", "八万"],
            ["110101199001011234", "王五", "示A3", "飞机", "1"]]))
    messages = [e["message"] for e in refused.value.errors]
    assert messages[0].startswith("第 3 行“评估价值”列") and "八万" in messages[0]
    assert any(m.startswith("第 4 行“身份证号”列") for m in messages)
    assert any(m.startswith("第 4 行“车辆类型”列") for m in messages)
    assert refused.value.errors[0]["row"] == 3 and refused.value.errors[0]["column"] == "评估价值"
    assert not SourceImport.objects.exists() and not list(exports.iterdir())
    assert AuditEvent.objects.count() == before
    with pytest.raises(ServiceError) as missing:
        source_import_preview(actor=county_officer, source="vehicles",
                              upload=csv_upload([["身份证号", "号牌号码"], ["1", "2"]]))
    assert [e["column"] for e in missing.value.errors] == ["车辆类型", "评估价值"]


def test_preview_then_apply_swaps_the_file_and_asks_waiting_requests_again(
        county_officer, household, exports, django_capture_on_commit_callbacks):
    from jiuzhu.verification.services import verification_request_create

    m1, m2 = id_of(household, "M1"), id_of(household, "M2")
    write_csv(exports, "vehicles", [HEADER, [m1, "张三", "示A1", "小型轿车", "85000"],
                                    ["110101199001011237", "某人", "示A9", "摩托车", "3000"]])
    for code in ("hukou", "real_estate", "social_insurance", "business", "housing_fund",
                 "deposits"):
        (exports / f"{code}.csv").unlink(missing_ok=True)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = verification_request_create(actor=county_officer, household=household,
                                              authorisation=pdf_upload(),
                                              sources=["vehicles", "deposits"])
    waiting.refresh_from_db()
    assert waiting.status == "partial"  # deposits: no file yet

    imp = source_import_preview(actor=county_officer, source="vehicles", upload=csv_upload([
        HEADER, [m1, "张三", "示A1", "小型轿车", "90000"], [m2, "李四", "示B2", "二轮摩托车", "2000"]]))
    assert imp.status == "previewed" and imp.rows == 2 and imp.people == 2
    assert {k: imp.summary[k] for k in ("new", "changed", "removed", "unchanged")} == \
        {"new": 1, "changed": 1, "removed": 1, "unchanged": 0}
    changed = next(c for c in imp.changes if c["change"] == "changed")
    assert "85,000.00" in changed["before"] and "90,000.00" in changed["after"]
    assert changed["household_id"] == household.household_id and "*" in changed["id_number"]
    assert "85000" in (exports / "vehicles.csv").read_text(encoding="utf-8")  # not yet

    with django_capture_on_commit_callbacks(execute=True):
        source_import_apply(actor=county_officer, imp=imp)
        deposits = source_import_preview(actor=county_officer, source="deposits", upload=csv_upload(
            [["身份证号", "存款余额"], [m1, "100"]], name="deposits.csv"))
    assert "90000" in (exports / "vehicles.csv").read_text(encoding="utf-8-sig")
    imp.refresh_from_db()
    assert imp.status == "applied" and imp.decided_by == county_officer
    applied = AuditEvent.objects.get(action="import", object_id=str(imp.pk), detail__step="apply")
    assert applied.detail["sources"] == []  # its vehicles answered already: never asked twice
    with django_capture_on_commit_callbacks(execute=True):
        source_import_apply(actor=county_officer, imp=deposits)
    assert AuditEvent.objects.get(action="import", object_id=str(deposits.pk),
                                  detail__step="apply").detail["sources"] == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == "complete"  # asked again when its missing source came in
    with pytest.raises(ServiceError) as twice:
        source_import_discard(actor=county_officer, imp=imp)
    assert twice.value.status == 409


def test_apply_is_refused_when_the_file_changed_after_the_preview(county_officer, household,
                                                                  exports):
    imp = source_import_preview(actor=county_officer, source="vehicles", upload=csv_upload(
        [HEADER, [id_of(household, "M1"), "张三", "示A1", "小型轿车", "90000"]]))
    write_csv(exports, "vehicles", [HEADER])
    with pytest.raises(ServiceError) as refused:
        source_import_apply(actor=county_officer, imp=imp)
    assert refused.value.status == 409
    imp.refresh_from_db()
    assert imp.status == "previewed"
    assert [p.name for p in exports.iterdir() if p.name.endswith(".tmp")] == []


def test_only_county_verifiers_import(client, password, officer, window_worker, county_officer):
    with pytest.raises(ServiceError) as refused:
        source_import_preview(actor=officer, source="vehicles", upload=csv_upload([HEADER]))
    assert refused.value.status == 403  # a township's officer: the files serve the county
    for user in (officer, window_worker):
        client.login(username=user.username, password=password)
        assert client.get(reverse("verification:imports")).status_code == 403
    client.login(username=county_officer.username, password=password)
    assert client.get(reverse("verification:imports")).status_code == 200
    assert "部门数据导入" in client.get(reverse("verification:list")).content.decode()


def test_the_page_shows_errors_then_the_preview(client, password, county_officer, household,
                                                exports, django_capture_on_commit_callbacks):
    client.login(username=county_officer.username, password=password)
    bad = client.post(reverse("verification:imports"), {"source": "vehicles", "file": csv_upload(
        [HEADER, [id_of(household, "M1"), "张三", "示A1", "小型轿车", "abc"]])})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "第 2 行“评估价值”列" in page and 'data-testid="row-errors"' in page
    good = client.post(reverse("verification:imports"), {"source": "vehicles", "file": csv_upload(
        [HEADER, [id_of(household, "M1"), "张三", "示A1", "小型轿车", "1000"]])})
    imp = SourceImport.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("verification:import_detail",
                                                                   args=[imp.pk])
    preview = client.get(good["Location"]).content.decode()
    assert "新增 1" in preview and "张三" in preview and "确认导入" in preview
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(reverse("verification:import_decide", args=[imp.pk, "apply"]))
    assert applied.status_code == 302
    assert (exports / "vehicles.csv").exists()
    template = client.get(reverse("verification:import_template", args=["vehicles"]))
    assert template.content.decode("utf-8").lstrip("\ufeff").startswith("身份证号,车辆类型,评估价值")


def test_an_excel_file_is_checked_by_row_and_column_too(county_officer, household, exports):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "存款余额（元）", "开户机构"])
    sheet.append([id_of(household, "M1"), "1,200.50元", "示范农商行"])
    sheet.append([id_of(household, "M2"), "很多", "示范农商行"])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("存款.xlsx", out.getvalue())
    with pytest.raises(ServiceError) as refused:
        source_import_preview(actor=county_officer, source="deposits", upload=upload)
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(3, "存款余额")]
    sheet.delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    imp = source_import_preview(actor=county_officer, source="deposits",
                                upload=SimpleUploadedFile("存款.xlsx", out.getvalue()))
    assert imp.summary["new"] == 1 and "1,200.50 元" in imp.changes[0]["after"]
    assert imp.file.name.endswith(".xlsx")


def _zip_bomb(workbook: bytes, megabytes: int = 30) -> bytes:
    """``workbook`` plus a part of ``megabytes`` of zeros: a few tens of kilobytes packed."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/zeros.bin", b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(county_officer, household, exports, client,
                                                     password):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["身份证号", "存款余额", "开户机构"])
    book.active.append([id_of(household, "M1"), "1200", "示范农商行"])
    out = io.BytesIO()
    book.save(out)
    content = _zip_bomb(out.getvalue())
    assert len(content) < 200 * 1024
    before = AuditEvent.objects.count()
    for name in ("存款.xlsx", "存款.csv"):  # by its name or by its content
        with pytest.raises(ServiceError) as refused:
            source_import_preview(actor=county_officer, source="deposits",
                                  upload=SimpleUploadedFile(name, content))
        assert refused.value.errors[0]["path"] == "file" and "压缩炸弹" in refused.value.message
    client.login(username=county_officer.username, password=password)
    page = client.post(reverse("verification:imports"), {
        "source": "deposits", "file": SimpleUploadedFile("存款.xlsx", content)})
    assert page.status_code == 422 and "压缩炸弹" in page.content.decode()
    assert not SourceImport.objects.exists() and not list(exports.iterdir())
    assert AuditEvent.objects.count() == before
