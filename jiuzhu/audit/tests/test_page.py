"""The audit page reads like a ledger: names and Chinese descriptions, not codes and dicts."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiuzhu.audit.models import AuditEvent
from jiuzhu.audit.present import detail_lines, value_text
from jiuzhu.audit.services import audit_read, audit_record
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    return UserFactory(username="sysadmin", full_name="李管理", role="administrator",
                       region=tree["county"])


@pytest.fixture
def household(window_worker):
    return household_register(actor=window_worker, data=household_dict(region_code="990102001001"))


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_the_page_shows_names_and_chinese_descriptions(admin_client, window_worker, household):
    window_worker.full_name = "王窗口"
    window_worker.save()
    audit_read(window_worker, household, "view", via="api")
    audit_record(actor=window_worker, action="export", region_path=window_worker.region_path,
                 detail={"what": "households", "rows": 3, "query": "q=张"})
    body = admin_client.get(reverse("audit:list")).content.decode()
    assert "王窗口（window1）" in body
    assert "全科社工（窗口）" in body
    assert "查看个人信息" in body and "导出" in body
    assert f"{Household._meta.verbose_name}</span> {household}" in body
    assert "示范县 / 第1镇 / 第1村" in body
    assert "途径：</span>接口" in body
    assert "行数：</span>3" in body and "查询条件：</span>q=张" in body
    assert "{&#x27;" not in body and "{'" not in body  # no dicts
    assert ">view<" not in body and ">export<" not in body  # no codes


def test_detail_values_are_plain_chinese(household):
    label = str(Household._meta.get_field("status").verbose_name)
    lines = dict(detail_lines({"from": "active", "to": "inactive", "changes": {"status": ["active", "inactive"]},
                               "reason": "迁出", "online": True, "items": ["MZ01", "MZ02"]},
                              "households.household"))
    active, inactive = (str(dict(Household._meta.get_field("status").flatchoices)[v])
                        for v in ("active", "inactive"))
    assert lines["原状态"] == active and lines["新状态"] == inactive
    assert lines["变更"] == f"{label}：{active} → {inactive}"
    assert lines["原因"] == "迁出" and lines["网上申请"] == "是" and lines["事项"] == "MZ01、MZ02"
    assert value_text(None) == "—"


def test_the_action_filter_is_a_chinese_select_of_every_choice(admin_client):
    body = admin_client.get(reverse("audit:list")).content.decode()
    assert '<option value="denied" >拒绝访问</option>' in body
    assert '<option value="download" >下载文件</option>' in body


def test_filters_by_action_actor_object_and_dates(admin_client, admin, window_worker,
                                                  other_window_worker, household):
    other_window_worker.full_name = "赵东河"
    other_window_worker.save()
    audit_record(actor=window_worker, action="login", region_path=window_worker.region_path)
    audit_record(actor=other_window_worker, action="login",
                 region_path=other_window_worker.region_path)
    audit_read(window_worker, household)

    def shown(**params):
        page = admin_client.get(reverse("audit:list"), params)
        return [(r.event.actor_name, r.event.action) for r in page.context["rows"]]

    assert ("window1", "login") not in shown(action="view")
    assert set(shown(action="view")) == {("window1", "view")}
    assert set(shown(actor="赵东河")) == {("window2", "login")}
    assert set(shown(actor="window2")) == {("window2", "login")}
    assert set(shown(object_type="households.household", object=str(household.pk))) >= {
        ("window1", "view")}
    assert all(a == "window1" for a, _ in shown(object=str(household.pk)))
    today = timezone.localdate()
    assert shown(until=(today - timedelta(days=1)).isoformat()) == []
    assert len(shown(since=today.isoformat(), until=today.isoformat())) >= 3


def test_the_page_is_limited_to_what_the_reader_may_see(client, tree, window_worker,
                                                        other_window_worker):
    nobody = UserFactory(username="adminnoregion", role="administrator", region=None)
    audit_record(actor=window_worker, action="login", region_path=window_worker.region_path)
    client.force_login(nobody)
    assert client.get(reverse("audit:list")).status_code == 403
    # An administrator of township 2 sees township 2's users, also where they acted elsewhere.
    town2_admin = UserFactory(username="town2admin", role="administrator", region=tree["town2"])
    audit_record(actor=other_window_worker, action="view", region_path=window_worker.region_path)
    client.force_login(town2_admin)
    page = client.get(reverse("audit:list"))
    assert [r.event.actor_name for r in page.context["rows"]] == ["window2"]


def test_export_to_excel_in_words_and_audited(admin_client, admin, window_worker, household):
    audit_read(window_worker, household, "download", document="D01")
    response = admin_client.get(reverse("audit:export"), {"action": "download"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "岗位", "动作")
    assert len(rows) == 2
    assert rows[1][3] == "下载文件" and rows[1][4] == str(Household._meta.verbose_name)
    assert "文书：D01" in rows[1][10]
    export = AuditEvent.objects.get(action="export")
    assert export.actor == admin and export.detail["what"] == "audit"
    assert export.detail["rows"] == 1 and "action=download" in export.detail["query"]


def test_export_requires_the_audit_permission(client, window_worker):
    client.force_login(window_worker)
    assert client.get(reverse("audit:export")).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_audit_read_accepts_only_reads(window_worker, household):
    with pytest.raises(ValueError):
        audit_read(window_worker, household, "update")


def test_the_keyword_matches_accounts_objects_and_addresses(admin_client, window_worker,
                                                            other_window_worker):
    audit_record(actor=window_worker, action="login", region_path=window_worker.region_path)
    audit_record(actor=other_window_worker, action="login",
                 region_path=other_window_worker.region_path)

    def shown(q):
        page = admin_client.get(reverse("audit:list"), {"q": q})
        return {r.event.actor_name for r in page.context["rows"]}

    assert shown("window1") == {"window1"}  # not every event without an address
    assert shown("10.9.8.7") == set()
