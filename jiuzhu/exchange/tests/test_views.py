"""The import pages through the test client: upload → job page → result."""

import io

from openpyxl import load_workbook

from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.tests.workbooks import column_of, edited, upload, workbook_bytes
from jiuzhu.households.models import Household
from jiuzhu.testing import PASSWORD, UserFactory, household_dict


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_upload_then_job_page_shows_the_result(client, window_worker,
                                               django_capture_on_commit_callbacks):
    _login(client, window_worker)
    page = client.get("/exchange/import/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert "/exchange/template.xlsx" in page.content.decode()

    content = workbook_bytes([household_dict(household_id="V1"), household_dict()])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exchange/import/", {"file": upload(content, "村里.xlsx")})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/import/{job.pk}/"

    html = client.get(response["Location"]).content.decode()
    assert "村里.xlsx" in html
    assert 'data-status="done"' in html
    assert "导入成功：2 户家庭、4 名成员已登记。" in html
    assert 'hx-trigger="every 1s"' not in html  # finished: the page stops polling
    assert Household.objects.filter(household_id="V1").exists()
    assert "村里.xlsx" in client.get("/exchange/import/").content.decode()  # in 我的导入记录


def test_a_failed_job_shows_the_error_table_and_report(client, window_worker,
                                                       django_capture_on_commit_callbacks):
    _login(client, window_worker)
    content = edited(workbook_bytes([household_dict(household_id="E1")]),
                     lambda wb: wb["成员"].cell(row=4, column=column_of(wb, "成员", "身份证号"),
                                               value="12345"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exchange/import/", {"file": upload(content)})
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="failed"' in html
    assert 'data-testid="error-table"' in html
    assert "<td>成员</td><td>4</td><td>身份证号</td><td>E1</td>" in html

    job = ImportJob.objects.get()
    report = client.get(f"/exchange/import/{job.pk}/errors.xlsx")
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content)))
                .active.iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行号", "列", "家庭编号", "错误说明")
    assert rows[1][:4] == ("成员", 4, "身份证号", "E1")
    assert Household.objects.count() == 0


def test_a_running_job_polls_for_progress(client, window_worker):
    _login(client, window_worker)
    job = ImportJob.objects.create(created_by=window_worker, region=window_worker.region,
                                   file="imports/x.xlsx", original_name="x.xlsx",
                                   status="validating", total_rows=1000, processed_rows=400)
    html = client.get(f"/exchange/import/{job.pk}/").content.decode()
    assert f'hx-get="/exchange/import/{job.pk}/progress/"' in html
    assert 'hx-trigger="every 1s"' in html
    partial = client.get(f"/exchange/import/{job.pk}/progress/").content.decode()
    assert "<html" not in partial
    assert "已校验 400 / 1000 户" in partial
    assert 'aria-valuenow="20"' in partial  # validation is the first half of the bar


def test_a_non_xlsx_upload_is_refused_next_to_the_field(client, window_worker):
    _login(client, window_worker)
    response = client.post("/exchange/import/",
                           {"file": upload(b"name,id\n", "households.csv")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "文件不是 Excel 工作簿（.xlsx）" in html
    assert "is-invalid" in html
    assert ImportJob.objects.count() == 0


def test_upload_without_a_file(client, window_worker):
    _login(client, window_worker)
    response = client.post("/exchange/import/", {})
    assert response.status_code == 400
    assert "请选择要上传的 .xlsx 文件" in response.content.decode()


def test_someone_elses_job_is_not_found(client, window_worker, other_window_worker):
    job = ImportJob.objects.create(created_by=window_worker, region=window_worker.region,
                                   file="imports/x.xlsx", original_name="x.xlsx")
    _login(client, other_window_worker)
    for url in (f"/exchange/import/{job.pk}/", f"/exchange/import/{job.pk}/progress/",
                f"/exchange/import/{job.pk}/errors.xlsx"):
        assert client.get(url).status_code == 404


def test_roles_without_import_permission_get_403(client, tree):
    _login(client, UserFactory(role="investigator", region=tree["town1"]))
    assert client.get("/exchange/import/").status_code == 403
