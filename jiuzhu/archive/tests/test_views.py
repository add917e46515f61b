"""Pages and API by role and region: the township and the county see the package, another
township gets 404 (page and API), a grid worker, an investigator and an outside user 403;
the list's Excel; the download through the page and the API; a changed byte refused with
the Chinese explanation (page 409, API 409)."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from openpyxl import load_workbook

from jiuzhu.archive.models import ArchivePackage
from jiuzhu.archive.tasks import archive_build_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(case):
    """Built by the task (the tests' immediate backend), as after a closing."""
    archive_build_task.enqueue(kind="application", case_id=case.pk, closing="approved")
    return ArchivePackage.objects.get(case_id=case.pk)


def _login(client, user):
    client.force_login(user)
    return client


def _token(user) -> dict[str, str]:
    from jiuzhu.accounts.services import token_create

    raw = token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_township_and_county_see_it_another_township_gets_404(client, staff, package, case):
    for who in ("reviewer", "window", "approver", "supervisor"):
        page = _login(client, staff[who]).get(f"/archive/{package.pk}/")
        assert page.status_code == 200, who
        assert case.number in page.content.decode()
        assert client.get("/archive/").content.decode().count(f'data-package="{package.pk}"') == 1
        assert client.get(f"/archive/application/{case.pk}/").status_code == 200
    other = _login(client, staff["other_reviewer"])
    assert other.get(f"/archive/{package.pk}/").status_code == 404
    assert other.get(f"/archive/{package.pk}/download/").status_code == 404
    assert other.get(f"/archive/application/{case.pk}/").status_code == 404
    assert f'data-package="{package.pk}"' not in other.get("/archive/").content.decode()
    for who in ("grid", "investigator", "social"):
        user = _login(client, staff[who])
        assert user.get("/archive/").status_code == 403, who
        assert user.get(f"/archive/{package.pk}/").status_code == 403, who


def test_api_list_detail_and_region_scoping(client, staff, package):
    own = client.get("/api/v1/archive", **_token(staff["reviewer"])).json()
    assert own["count"] == 1 and own["items"][0]["case_number"] == package.case_number
    assert own["items"][0]["record_class"] == "dibao" and own["items"][0]["files"] == 8
    detail = client.get(f"/api/v1/archive/{package.pk}", **_token(staff["reviewer"])).json()
    assert detail["manifest"]["files"][0]["sm3"] and detail["retain_until"] == "2056-03-02"
    other = _token(staff["other_reviewer"])
    assert client.get("/api/v1/archive", **other).json()["count"] == 0
    assert client.get(f"/api/v1/archive/{package.pk}", **other).status_code == 404
    assert client.get(f"/api/v1/archive/{package.pk}/download", **other).status_code == 404
    assert client.get("/api/v1/archive", **_token(staff["grid"])).status_code == 403
    assert client.get("/api/v1/archive?closing=bogus",
                      **_token(staff["reviewer"])).status_code == 422


def test_downloads_re_check_and_a_changed_byte_is_refused(client, staff, package):
    response = _login(client, staff["reviewer"]).get(f"/archive/{package.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    api = client.get(f"/api/v1/archive/{package.pk}/download", **_token(staff["approver"]))
    assert api.status_code == 200 and api.content == response.content

    path = package.file.path
    os.chmod(path, 0o644)
    raw = bytearray(response.content)
    raw[-30] ^= 0xFF  # one byte of the zip's directory
    with open(path, "wb") as handle:
        handle.write(bytes(raw))
    refused = client.get(f"/archive/{package.pk}/download/")
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "校验未通过，已拒绝下载" in text and "SHA-256" in text
    api = client.get(f"/api/v1/archive/{package.pk}/download", **_token(staff["approver"]))
    assert api.status_code == 409 and "校验未通过" in api.json()["message"]
    assert "校验失败" in client.get(f"/archive/{package.pk}/").content.decode()
    assert 'data-testid="check-failed"' in client.get("/archive/").content.decode()


def test_the_list_exports_excel_and_the_case_page_links_it(client, staff, package, case):
    _login(client, staff["reviewer"])
    response = client.get("/archive/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号" and rows[1][0] == case.number and len(rows) == 2
    detail = client.get(f"/applications/{case.pk}/").content.decode()
    assert f"/archive/application/{case.pk}/" in detail
    assert client.get(f"/archive/?township={case.region.code}&record_class=dibao").content.decode(
    ).count("data-package=") == 1
    assert client.get("/archive/?record_class=emergency").content.decode().count(
        "data-package=") == 0
