"""Importing a workbook: all or nothing, every error on its cell."""

from decimal import Decimal

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.exchange import progress, services
from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.services import import_job_create, import_job_run
from jiuzhu.exchange.tests.workbooks import (
    column_of,
    edited,
    rich_household,
    run_import,
    upload,
    workbook_bytes,
)
from jiuzhu.households.models import Household, Member
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict


def _households(n: int, region_code: str = "990102001001") -> list[dict]:
    return [household_dict(household_id=f"H{i:03d}", region_code=region_code)
            for i in range(1, n + 1)]


def _wrong_check_character(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_a_valid_file_registers_every_household(window_worker, django_capture_on_commit_callbacks):
    content = workbook_bytes([rich_household("R1"), *_households(2)])
    job = run_import(window_worker, content, django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    assert (job.total_rows, job.processed_rows, job.error_count) == (3, 3, 0)
    assert job.summary["households"] == 3 and job.summary["members"] == 7
    assert job.finished_at is not None and job.started_at is not None
    assert job.message == "已导入 3 户家庭、7 名成员"
    rich = Household.objects.get(household_id="R1")
    assert rich.region.code == "990102001001"
    assert rich.created_by == window_worker
    assert rich.medical == Decimal("10234.56")
    assert rich.members.get(member_id="M1").pension == Decimal("1234.50")
    assert rich.supporters.get().supports == ["M1", "M2"]
    assert [v.value for v in rich.vehicles.all()] == [Decimal("8800.00"), Decimal("1500.50")]
    [event] = AuditEvent.objects.filter(action="import")
    assert event.actor == window_worker
    assert event.detail["households"] == 3 and event.detail["members"] == 7
    assert event.detail["status"] == "done"
    assert event.region_path == window_worker.region.path


def test_one_bad_id_number_fails_the_job_and_writes_nothing(
        window_worker, django_capture_on_commit_callbacks):
    households = _households(3)
    content = workbook_bytes(households)
    # 成员: rows 1–2 are headers; household H002's second member is on row 6.
    wrong = _wrong_check_character(households[1]["members"][1]["id_number"])
    content = edited(content, lambda wb: wb["成员"].cell(
        row=6, column=column_of(wb, "成员", "身份证号"), value=wrong))
    before = (Household.objects.count(), Member.objects.count())

    job = run_import(window_worker, content, django_capture_on_commit_callbacks)

    assert job.status == "failed"
    assert job.error_count == 1
    assert job.errors == [{"sheet": "成员", "row": 6, "column": "身份证号", "household_id": "H002",
                           "message": "身份证号校验位错误"}]
    assert "未写入任何数据" in job.message
    assert (Household.objects.count(), Member.objects.count()) == before
    event = AuditEvent.objects.get(action="import")
    assert event.detail["status"] == "failed" and event.detail["errors"] == 1


def test_every_error_of_the_file_is_reported_in_sheet_and_row_order(
        window_worker, django_capture_on_commit_callbacks):
    def change(wb):
        wb["家庭"].cell(row=4, column=column_of(wb, "家庭", "城乡类别"), value="山区")
        wb["家庭"].cell(row=3, column=column_of(wb, "家庭", "医疗支出"), value=-5)
        wb["成员"].cell(row=3, column=column_of(wb, "成员", "出生日期"), value="1970-13-01")

    job = run_import(window_worker, edited(workbook_bytes(_households(2)), change),
                     django_capture_on_commit_callbacks)
    cells = [(e["sheet"], e["row"], e["column"]) for e in job.errors]
    assert cells == [("家庭", 3, "医疗支出"), ("家庭", 4, "城乡类别"), ("成员", 3, "出生日期")]
    # The unreadable date is reported once, not again as a missing birth date.
    assert "不是有效的日期" in job.errors[2]["message"]
    assert Household.objects.count() == 0


def test_duplicate_household_number_within_the_file(window_worker,
                                                    django_capture_on_commit_callbacks):
    first, second = household_dict(household_id="SAME"), household_dict(household_id="SAME")
    job = run_import(window_worker, workbook_bytes([first, second]),
                     django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert {"sheet": "家庭", "row": 4, "column": "家庭编号", "household_id": "SAME",
            "message": "家庭编号 SAME 在本文件第 3 行已出现"} in job.errors
    assert Household.objects.count() == 0


def test_same_id_number_in_two_households_of_the_file(window_worker,
                                                      django_capture_on_commit_callbacks):
    first, second = household_dict(household_id="A"), household_dict(household_id="B")
    second["members"][0] = {**second["members"][0], "id_number": first["members"][0]["id_number"],
                            "birth_date": first["members"][0]["birth_date"]}
    job = run_import(window_worker, workbook_bytes([first, second]),
                     django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert job.errors == [{"sheet": "成员", "row": 5, "column": "身份证号", "household_id": "B",
                           "message": "身份证号与本文件第 3 行（家庭 A）重复"}]


def test_household_number_or_member_already_registered(window_worker,
                                                       django_capture_on_commit_callbacks):
    existing = household_register(actor=window_worker, data=household_dict(household_id="OLD"))
    again = household_dict(household_id="OLD")
    moved = household_dict(household_id="NEW")
    moved["members"][1] = {**moved["members"][1],
                           "id_number": existing.members.get(member_id="M2").id_number,
                           "birth_date": existing.members.get(member_id="M2")
                           .birth_date.isoformat()}
    job = run_import(window_worker, workbook_bytes([again, moved]),
                     django_capture_on_commit_callbacks)
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [
        ("家庭", 3, "家庭编号"), ("成员", 6, "身份证号")]
    assert Household.objects.count() == 1


def test_importing_into_another_township_is_refused(window_worker,
                                                    django_capture_on_commit_callbacks):
    content = workbook_bytes([household_dict(household_id="MINE"),
                              household_dict(household_id="THEIRS", region_code="990102002001")])
    job = run_import(window_worker, content, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert job.errors == [{"sheet": "家庭", "row": 4, "column": "区划代码",
                           "household_id": "THEIRS", "message": "不在您的管辖范围内"}]
    assert Household.objects.count() == 0


def test_a_county_region_code_is_refused(window_worker, django_capture_on_commit_callbacks):
    job = run_import(window_worker, workbook_bytes([household_dict(region_code="990102")]),
                     django_capture_on_commit_callbacks)
    [error] = job.errors
    assert (error["sheet"], error["row"], error["column"]) == ("家庭", 3, "区划代码")
    assert "乡镇" in error["message"]


def test_progress_is_updated_while_validating_and_writing(
        window_worker, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(services, "WRITE_CHUNK", 2)
    seen_validating, seen_writing = [], []
    validate, write = services.household_validate, services._Stage.write

    def watching_validate(*, actor, data, **options):
        job = ImportJob.objects.get()
        seen_validating.append((job.status, job.processed_rows, job.total_rows))
        return validate(actor=actor, data=data, **options)

    def watching_write(stage, chunk):
        job = ImportJob.objects.get()
        seen_writing.append((job.status, progress.written_get(job.pk), len(chunk.parsed)))
        return write(stage, chunk)

    monkeypatch.setattr(services, "household_validate", watching_validate)
    monkeypatch.setattr(services._Stage, "write", watching_write)

    job = run_import(window_worker, workbook_bytes(_households(5)),
                     django_capture_on_commit_callbacks)

    assert seen_validating == [("validating", 0, 5), ("validating", 0, 5), ("validating", 2, 5),
                               ("validating", 2, 5), ("validating", 4, 5)]
    assert seen_writing == [("writing", 0, 2), ("writing", 2, 2), ("writing", 4, 1)]
    assert (job.status, job.processed_rows, job.total_rows) == ("done", 5, 5)
    assert progress.written_get(job.pk) == 0  # the progress file is gone


def test_a_conflict_found_while_writing_rolls_everything_back(
        window_worker, django_capture_on_commit_callbacks, monkeypatch):
    """Someone registers the last household's number between validation and writing."""
    households = _households(3)
    written_set = progress.written_set

    def race_before_the_write(job_id, count):  # validated, not yet written
        if count == 0:
            household_register(actor=window_worker, data=household_dict(household_id="H003"))
        written_set(job_id, count)

    monkeypatch.setattr(progress, "written_set", race_before_the_write)
    job = run_import(window_worker, workbook_bytes(households), django_capture_on_commit_callbacks)

    assert job.status == "failed"
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [("家庭", 5, "家庭编号")]
    assert list(Household.objects.values_list("household_id", flat=True)) == ["H003"]


def test_an_unexpected_failure_fails_the_job_and_writes_nothing(
        window_worker, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 1)
    write, calls = services._Stage.write, []

    def broken(stage, chunk):
        calls.append(chunk.parsed[0].household_id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return write(stage, chunk)

    monkeypatch.setattr(services._Stage, "write", broken)
    job = run_import(window_worker, workbook_bytes(_households(3)),
                     django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "系统错误" in job.message
    assert Household.all_objects.count() == 0  # the staged first chunk is gone too
    assert Member.all_objects.count() == 0
    assert not Household.history.exists()


def test_a_job_runs_once(window_worker, django_capture_on_commit_callbacks):
    job = run_import(window_worker, workbook_bytes(_households(1)),
                     django_capture_on_commit_callbacks)
    again = import_job_run(job_id=job.pk)
    assert again.status == "done"
    assert Household.objects.count() == 1
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_an_empty_file_fails_with_a_message(window_worker, django_capture_on_commit_callbacks):
    job = run_import(window_worker, workbook_bytes([]), django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert job.message == "导入失败，未写入任何数据：文件中没有家庭数据"


@pytest.mark.parametrize(("content", "message"), [
    (b"household_id,region_code\nH1,990102001001\n", "文件不是 Excel 工作簿（.xlsx）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "这是旧版 Excel（.xls）文件"),
    (b"", "文件是空的"),
])
def test_a_file_that_is_not_xlsx_makes_no_job(window_worker, content, message):
    with pytest.raises(ServiceError) as refused:
        import_job_create(actor=window_worker, upload=upload(content, "data.xlsx"))
    assert message in refused.value.message
    assert ImportJob.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_makes_no_job(window_worker, tmp_path):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ServiceError, match="不是 Excel 工作簿"):
        import_job_create(actor=window_worker, upload=upload(out.getvalue()))
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_size_limit_makes_no_job(window_worker, settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(ServiceError, match="文件过大"):
        import_job_create(actor=window_worker, upload=upload(workbook_bytes(_households(3))))
    assert ImportJob.objects.count() == 0


def test_only_importers_may_upload(tree):
    investigator = UserFactory(role="investigator", region=tree["town1"])
    with pytest.raises(ServiceError) as refused:
        import_job_create(actor=investigator, upload=upload(workbook_bytes(_households(1))))
    assert refused.value.code == "forbidden"
