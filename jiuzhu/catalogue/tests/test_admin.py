"""Catalogue administration: new dated versions, new items, retirement, departments,
Excel export and import; refusals name the field and change nothing; only the system
administrator (and superusers) may."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jiuzhu.applications.models import Application
from jiuzhu.audit.models import AuditEvent
from jiuzhu.catalogue import services
from jiuzhu.catalogue.excel import export_workbook
from jiuzhu.catalogue.models import Department, Item
from jiuzhu.catalogue.selectors import item_in_force, item_used, items_in_force
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    return UserFactory(username="admin1", role="administrator", region=tree["county"])


def today():
    return timezone.localdate()


def tomorrow():
    return today() + timedelta(days=1)


def snapshot():
    return (sorted(Item.objects.values_list("code", "valid_from", "name", "limit", "retired")),
            sorted(Department.objects.values_list("code", "name")),
            AuditEvent.objects.exclude(action="denied").count())  # a refusal is audited as such


def use_item(window_worker, code):
    household = household_register(actor=window_worker, data=household_dict())
    town = window_worker.region
    Application.objects.create(number=f"T-{code}", query_code=f"Q{code}", household=household,
                               item_code=code, channel="window", region=town,
                               region_path=town.path, step_started_on=today())


# --- services ----------------------------------------------------------------------------------

def test_a_revision_is_a_new_version_from_its_date_and_is_audited(admin):
    before = item_in_force("MZ08")
    item = services.item_revise(actor=admin, code="MZ08", valid_from=tomorrow(),
                                note="县政府调整高龄津贴时限", limit=5,
                                materials="身份证\n户口簿\n银行卡")
    assert item.pk != before.pk and item.valid_from == tomorrow()
    assert (item.limit, item.materials, item.name) == (5, ["身份证", "户口簿", "银行卡"], before.name)
    assert item.created_by == admin and item.note == "县政府调整高龄津贴时限"
    assert item_in_force("MZ08").limit == 10  # today: the old version, untouched
    assert item_in_force("MZ08", tomorrow()).limit == 5
    before.refresh_from_db()
    assert before.limit == 10
    event = AuditEvent.objects.get(object_type="catalogue.item", object_id=str(item.pk))
    assert (event.actor, event.action) == (admin, "update")
    assert event.detail["note"] == "县政府调整高龄津贴时限"
    assert event.detail["changes"]["limit"] == [10, 5]


@pytest.mark.parametrize(("changes", "field"), [
    ({"limit": 0}, "limit"),
    ({"limit": "三天"}, "limit"),
    ({"department": "XX"}, "department"),
    ({"program": "pension"}, "program"),
    ({"level": "province"}, "level"),
    ({"name": "  "}, "name"),
    ({"name": "高龄津贴", "note": ""}, "note"),
    ({"valid_from": "2026-13-01"}, "valid_from"),
    ({"valid_from": "first"}, "valid_from"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_revision_names_the_field_and_changes_nothing(admin, changes, field):
    data = {"limit": 7, "note": "调整", "valid_from": tomorrow(), **changes}
    if data["valid_from"] == "first":
        data["valid_from"] = item_in_force("MZ08").valid_from  # that date has a version
    elif isinstance(data["valid_from"], str):
        data["valid_from"] = None
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        services.item_revise(actor=admin, code="MZ08", **data)
    assert error.value.code == ErrorCode.VALIDATION
    assert field in [e["path"] for e in error.value.errors]
    assert snapshot() == before


def test_a_revision_that_changes_nothing_is_refused(admin):
    with pytest.raises(ServiceError) as error:
        services.item_revise(actor=admin, code="MZ08", valid_from=tomorrow(), note="无",
                             limit=10)
    assert error.value.errors[0]["path"] == "changes"


def test_an_item_in_use_changes_only_from_tomorrow(admin, window_worker):
    use_item(window_worker, "MZ04")
    assert item_used("MZ04") and not item_used("MZ08")
    for day in (today(), today() - timedelta(days=30)):
        with pytest.raises(ServiceError) as error:
            services.item_revise(actor=admin, code="MZ04", valid_from=day, note="改", limit=8)
        assert error.value.errors[0]["path"] == "valid_from"
        assert "明天" in error.value.errors[0]["message"]
    assert services.item_revise(actor=admin, code="MZ04", valid_from=tomorrow(), note="改",
                                limit=8).limit == 8
    # an item no case names may be corrected from today (a typo just entered)
    assert services.item_revise(actor=admin, code="MZ08", valid_from=today(), note="更正",
                                name="高龄津贴（80周岁以上）").name == "高龄津贴（80周岁以上）"
    assert item_in_force("MZ08").name == "高龄津贴（80周岁以上）"
    # but never before the item's first version
    with pytest.raises(ServiceError) as error:
        services.item_revise(actor=admin, code="MZ08", valid_from=item_in_force("MZ08").valid_from
                             .replace(year=2020), note="更正", limit=3)
    assert error.value.errors[0]["path"] == "valid_from"


def test_retiring_an_item_removes_it_from_its_date_and_then_it_cannot_change(admin):
    services.item_retire(actor=admin, code="MZ11", valid_from=tomorrow(), note="并入 MZ04")
    assert "MZ11" in [i.code for i in items_in_force()]
    assert "MZ11" not in [i.code for i in items_in_force(tomorrow())]
    later = tomorrow() + timedelta(days=10)
    with pytest.raises(ServiceError) as error:
        services.item_revise(actor=admin, code="MZ11", valid_from=later, note="改", limit=3)
    assert error.value.code == ErrorCode.STEP_NOT_ALLOWED
    with pytest.raises(ServiceError) as error:
        services.item_retire(actor=admin, code="MZ11", valid_from=later, note="再停用")
    assert error.value.code == ErrorCode.STEP_NOT_ALLOWED
    with pytest.raises(ServiceError) as error:
        services.item_retire(actor=admin, code="MZ10", valid_from=tomorrow(), note=" ")
    assert error.value.errors[0]["path"] == "note"
    with pytest.raises(ServiceError) as error:
        services.item_retire(actor=admin, code="ZZ99", valid_from=tomorrow(), note="x")
    assert error.value.code == ErrorCode.NOT_FOUND


def test_a_new_item_joins_the_catalogue_from_its_date(admin):
    item = services.item_create(actor=admin, code="mz12", name="临时生活补贴", department="MZ",
                                level="township", limit="5", program="",
                                materials="身份证\n\n困难情况说明\n身份证", note="县政府新增")
    assert (item.code, item.valid_from, item.materials) == ("MZ12", tomorrow(),
                                                            ["身份证", "困难情况说明"])
    assert item.position > max(i.position for i in items_in_force())
    assert [i.code for i in items_in_force(tomorrow())][-1] == "MZ12"
    assert AuditEvent.objects.filter(action="create", object_id=str(item.pk)).exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"code": "MZ01"}, "code"),
    ({"code": "12"}, "code"),
    ({"limit": 0}, "limit"),
    ({"limit": ""}, "limit"),
    ({"department": "ZZ"}, "department"),
    ({"program": "x"}, "program"),
    ({"note": ""}, "note"),
    ({"valid_from": "yesterday"}, "valid_from"),
])
def test_a_bad_new_item_names_the_field_and_changes_nothing(admin, data, field):
    fields = {"code": "MZ12", "name": "新事项", "department": "MZ", "level": "county",
              "limit": 10, "note": "新增", **data}
    if fields.get("valid_from") == "yesterday":
        fields["valid_from"] = today() - timedelta(days=1)
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        services.item_create(actor=admin, **fields)
    assert field in [e["path"] for e in error.value.errors]
    assert snapshot() == before


def test_departments_are_added_and_renamed_with_a_note(admin):
    department = services.department_create(actor=admin, code="yb", name="医疗保障局",
                                            note="医疗救助划转")
    assert department.code == "YB"
    services.department_rename(actor=admin, code="YB", name="县医疗保障局", note="更名")
    assert Department.objects.get(code="YB").name == "县医疗保障局"
    assert AuditEvent.objects.filter(object_type="catalogue.department").count() == 2
    before = snapshot()
    for call, field in [
        (lambda: services.department_create(actor=admin, code="MZ", name="另一个", note="x"), "code"),
        (lambda: services.department_create(actor=admin, code="Q1", name="另一个", note="x"), "code"),
        (lambda: services.department_create(actor=admin, code="QQ", name="民政局", note="x"), "name"),
        (lambda: services.department_create(actor=admin, code="QQ", name="某局", note=""), "note"),
        (lambda: services.department_rename(actor=admin, code="YB", name="", note="x"), "name"),
    ]:
        with pytest.raises(ServiceError) as error:
            call()
        assert field in [e["path"] for e in error.value.errors]
    assert snapshot() == before


def test_only_the_system_administrator_may_change_the_catalogue(window_worker, tree):
    supervisor = UserFactory(role="supervisor", region=tree["county"])
    before = snapshot()
    for user in (window_worker, supervisor):
        for call in (
            lambda u: services.item_revise(actor=u, code="MZ08", valid_from=tomorrow(),
                                           note="x", limit=3),
            lambda u: services.item_retire(actor=u, code="MZ08", valid_from=tomorrow(), note="x"),
            lambda u: services.item_create(actor=u, code="MZ12", name="x", department="MZ",
                                           level="county", limit=3, note="x"),
            lambda u: services.department_create(actor=u, code="QQ", name="某局", note="x"),
            lambda u: services.department_rename(actor=u, code="MZ", name="某局", note="x"),
            lambda u: services.catalogue_import(actor=u, content=b"", valid_from=tomorrow(),
                                                note="x"),
        ):
            with pytest.raises(ServiceError) as error:
                call(user)
            assert error.value.code == ErrorCode.FORBIDDEN
    assert snapshot() == before


# --- Excel -------------------------------------------------------------------------------------

def workbook_rows(content):
    sheet = load_workbook(BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def workbook_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_excel_export_round_trips_and_imports_changes_as_new_versions(admin):
    rows = workbook_rows(export_workbook(items_in_force()))
    header = rows[0]
    assert header[:3] == ["事项编码", "事项名称", "部门代码"] and len(rows) == 40
    mz01 = dict(zip(header, rows[1], strict=True))
    assert mz01["申请材料"].split("\n") == item_in_force("MZ01").materials
    assert "649号" in mz01["政策依据"]
    same = services.catalogue_import(actor=admin, content=workbook_bytes(rows),
                                     valid_from=tomorrow(), note="原样导入")
    assert (len(same["unchanged"]), same["revised"], same["created"]) == (39, [], [])
    assert Item.objects.count() == 39

    limit = header.index("办理时限（工作日）")
    code = header.index("事项编码")
    mz08 = next(r for r in rows if r[code] == "MZ08")
    mz08[limit] = 7
    new = ["MZ12", "临时生活补贴", "MZ", "民政局", "乡镇（街道）", 5, "", "身份证\n困难情况说明",
           "以本县现行文件为准", "困难群众", "窗口受理", None]
    result = services.catalogue_import(actor=admin, content=workbook_bytes([*rows, new]),
                                       valid_from=tomorrow(), note="2027 年清单")
    assert (result["revised"], result["created"], len(result["unchanged"])) == (
        ["MZ08"], ["MZ12"], 38)
    assert item_in_force("MZ08", tomorrow()).limit == 7 and item_in_force("MZ08").limit == 10
    created = item_in_force("MZ12", tomorrow())
    assert (created.level, created.materials) == ("township", ["身份证", "困难情况说明"])
    assert AuditEvent.objects.filter(action="import").count() == 2


def test_an_import_with_errors_names_row_and_column_and_changes_nothing(admin):
    rows = workbook_rows(export_workbook(items_in_force()))
    header = rows[0]
    rows[3][header.index("办理时限（工作日）")] = "十天"      # sheet row 4
    rows[5][header.index("部门代码")] = "ZZ"                  # sheet row 6
    rows[8][header.index("事项名称")] = "改名"                 # a good change on row 9
    rows.append(list(rows[1]))                                 # row 41 repeats MZ01
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        services.catalogue_import(actor=admin, content=workbook_bytes(rows),
                                  valid_from=tomorrow(), note="导入")
    paths = {e["path"] for e in error.value.errors}
    assert paths == {"rows[4].limit", "rows[6].department", "rows[41].code"}
    messages = " ".join(e["message"] for e in error.value.errors)
    assert "第 4 行「办理时限（工作日）」" in messages and "第 6 行「部门代码」" in messages
    assert snapshot() == before
    for content, field in ((b"not a workbook", "file"),
                           (workbook_bytes([["编码", "名称"]]), "file")):
        with pytest.raises(ServiceError) as error:
            services.catalogue_import(actor=admin, content=content, valid_from=tomorrow(),
                                      note="导入")
        assert error.value.errors[0]["path"] == field
    assert snapshot() == before


# --- pages -------------------------------------------------------------------------------------

ADMIN_PAGES = ["/catalogue/admin/", "/catalogue/admin/items/MZ01/", "/catalogue/admin/items/new/",
               "/catalogue/admin/departments/", "/catalogue/admin/export.xlsx",
               "/catalogue/admin/import/"]


def test_the_admin_pages_are_403_for_other_roles(client, window_worker):
    client.force_login(window_worker)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    before = snapshot()
    response = client.post("/catalogue/admin/items/MZ01/", {
        "name": "x", "department": "MZ", "level": "county", "limit": "3",
        "valid_from": tomorrow().isoformat(), "note": "x"})
    assert response.status_code == 403
    assert client.post("/catalogue/admin/items/MZ01/retire/", {
        "valid_from": tomorrow().isoformat(), "note": "x"}).status_code == 403
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="denied").count() >= 2
    client.logout()
    assert client.get("/catalogue/admin/").status_code == 302


def test_the_admin_pages_render_for_an_administrator(client, admin, django_assert_max_num_queries):
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        response = client.get("/catalogue/admin/")
    assert response.status_code == 200 and response.content.decode().count('<td><a href="/catalogue/admin/items/') == 39
    response = client.get("/catalogue/admin/?department=SF")
    assert [i.code for i in response.context["items"]] == ["SF01", "SF02"]
    for url in ADMIN_PAGES[1:]:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200, url
    assert client.get("/catalogue/admin/items/ZZ99/").status_code == 404


def test_the_item_page_saves_a_new_version_or_shows_the_refusal_on_the_field(client, admin):
    client.force_login(admin)
    page = client.get("/catalogue/admin/items/MZ08/")
    form = page.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(limit="0", valid_from=tomorrow().isoformat(), note="调整时限")
    before = snapshot()
    response = client.post("/catalogue/admin/items/MZ08/", data)
    assert response.status_code == 422 and snapshot() == before
    assert "limit" in response.context["form"].errors
    assert 'data-field="limit"' in response.content.decode()
    data["limit"] = "6"
    response = client.post("/catalogue/admin/items/MZ08/", data)
    assert response.status_code == 302
    assert item_in_force("MZ08", tomorrow()).limit == 6
    history = client.get("/catalogue/admin/items/MZ08/").content.decode()
    assert "调整时限" in history and "待生效" in history
    response = client.post("/catalogue/admin/items/MZ08/retire/", {"valid_from": "", "note": "x"})
    assert response.status_code == 422 and "valid_from" in response.context["retire_form"].errors


def test_new_item_departments_and_import_pages(client, admin):
    client.force_login(admin)
    response = client.post("/catalogue/admin/items/new/", {
        "code": "MZ12", "name": "临时生活补贴", "department": "MZ", "level": "township",
        "limit": "5", "program": "", "materials": "身份证\n困难情况说明",
        "valid_from": tomorrow().isoformat(), "note": "新增"})
    assert response.status_code == 302 and Item.objects.filter(code="MZ12").exists()
    response = client.post("/catalogue/admin/items/new/", {
        "code": "MZ12", "name": "重复", "department": "MZ", "level": "township", "limit": "5",
        "valid_from": tomorrow().isoformat(), "note": "新增"})
    assert response.status_code == 422 and "code" in response.context["form"].errors
    response = client.post("/catalogue/admin/departments/", {
        "new-code": "YB", "new-name": "医疗保障局", "new-note": "新增"})
    assert response.status_code == 302 and Department.objects.filter(code="YB").exists()
    response = client.post("/catalogue/admin/departments/", {
        "rename": "YB", "rename-name": "", "rename-note": "更名"})
    assert response.status_code == 422 and "name" in response.context["rename_form"].errors
    export = client.get("/catalogue/admin/export.xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = workbook_rows(export.content)
    rows[1][rows[0].index("办理时限（工作日）")] = "abc"
    upload = BytesIO(workbook_bytes(rows))
    upload.name = "catalogue.xlsx"
    response = client.post("/catalogue/admin/import/", {
        "file": upload, "valid_from": tomorrow().isoformat(), "note": "导入"})
    assert response.status_code == 422
    assert "第 2 行「办理时限（工作日）」" in response.content.decode()


def test_a_retired_item_page_refuses_a_revision_with_409(client, admin):
    services.item_retire(actor=admin, code="MZ10", valid_from=today(), note="撤销")
    client.force_login(admin)
    page = client.get("/catalogue/admin/items/MZ10/")
    assert page.status_code == 200 and page.context["in_force"] is None
    before = snapshot()
    response = client.post("/catalogue/admin/items/MZ10/", {
        "name": "流浪乞讨人员救助", "department": "MZ", "level": "county", "limit": "2",
        "valid_from": tomorrow().isoformat(), "note": "恢复"})
    assert response.status_code == 409 and snapshot() == before
    assert "已停用" in response.content.decode()
    assert client.get("/catalogue/handbook/MZ10/").status_code == 404


def test_the_revision_form_starts_from_the_version_in_force_tomorrow(client, admin):
    later = tomorrow() + timedelta(days=30)
    services.item_revise(actor=admin, code="MZ08", valid_from=later, note="明年", limit=3)
    client.force_login(admin)
    form = client.get("/catalogue/admin/items/MZ08/").context["form"]
    assert form.initial["limit"] == 10 and form.initial["valid_from"] == tomorrow()
    versions = client.get("/catalogue/admin/items/MZ08/").context["versions"]
    assert [v.limit for v in versions] == [3, 10]


def test_the_list_still_reaches_retired_and_scheduled_items(client, admin):
    services.item_retire(actor=admin, code="MZ10", valid_from=today(), note="撤销")
    services.item_create(actor=admin, code="MZ12", name="临时生活补贴", department="MZ",
                         level="township", limit=5, note="新增")
    client.force_login(admin)
    response = client.get("/catalogue/admin/")
    assert len(response.context["items"]) == 38
    others = response.context["others"]
    assert [(i.code, i.retired) for i in others] == [("MZ10", True), ("MZ12", False)]
    assert client.get("/catalogue/admin/?department=SF").context["others"] == []


def _zip_bomb(workbook: bytes, megabytes: int = 30) -> bytes:
    """``workbook`` plus a part of ``megabytes`` of zeros: a few tens of kilobytes packed."""
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/zeros.bin", b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(admin, client, password):
    rows = workbook_rows(export_workbook(items_in_force()))
    rows[1][rows[0].index("事项名称")] = "改名"
    content = _zip_bomb(workbook_bytes(rows))
    assert len(content) < 200 * 1024
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        services.catalogue_import(actor=admin, content=content, valid_from=tomorrow(), note="导入")
    assert refused.value.errors[0]["path"] == "file" and "压缩炸弹" in refused.value.message
    client.login(username=admin.username, password=password)
    from django.core.files.uploadedfile import SimpleUploadedFile
    page = client.post("/catalogue/admin/import/", {
        "file": SimpleUploadedFile("清单.xlsx", content), "valid_from": tomorrow().isoformat(),
        "note": "导入"})
    assert page.status_code == 422 and "压缩炸弹" in page.content.decode()
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action="import").exists()
