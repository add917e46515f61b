"""Exporting households: the user's subtree only, bounded queries, and it imports again."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.audit.models import AuditEvent
from jiuzhu.exchange.reader import workbook_read
from jiuzhu.exchange.services import households_export
from jiuzhu.exchange.tests.workbooks import rich_household, run_import, sheet_rows
from jiuzhu.households.models import Household
from jiuzhu.households.selectors import household_search
from jiuzhu.households.serializers import household_to_dict
from jiuzhu.households.services import household_deactivate, household_register
from jiuzhu.testing import PASSWORD, household_dict


def _register(actor, households):
    return [household_register(actor=actor, data=data) for data in households]


def _export(client, user, query: str = "") -> bytes:
    client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/exchange/export/{query}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_export_reimports_equal_field_by_field(client, window_worker,
                                               django_capture_on_commit_callbacks):
    _register(window_worker, [rich_household("R1"), rich_household("R2", "990102001"),
                              household_dict(household_id="P1")])
    before = {h.household_id: household_to_dict(h) for h in Household.objects.all()}
    content = _export(client, window_worker)
    Household.objects.all().delete()

    job = run_import(window_worker, content, django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    after = {h.household_id: household_to_dict(h) for h in Household.objects.all()}
    assert after == before


def test_export_has_the_template_layout(client, window_worker):
    _register(window_worker, [rich_household("R1")])
    content = _export(client, window_worker)
    households = sheet_rows(content, "家庭")
    assert households[0][:3] == ("家庭编号", "区划代码", "城乡类别")
    assert households[1][:3] == ("household_id", "region_code", "area_type")
    assert households[2][:3] == ("R1", "990102001001", "农村")
    members = sheet_rows(content, "成员")
    assert [row[1] for row in members[2:]] == ["M1", "M2", "M3"]
    assert members[2][members[0].index("健康状况")] == "重病"
    assert members[2][members[0].index("养老金")] == 1234.5
    assert sheet_rows(content, "赡养义务人")[2][:2] == ("R1", "王大海")
    assert [row[1] for row in sheet_rows(content, "车辆")[2:]] == ["农用车", "残疾人代步车"]


def test_export_contains_only_the_users_subtree(client, window_worker, other_window_worker):
    _register(window_worker, [household_dict(household_id="MINE")])
    _register(other_window_worker, [household_dict(household_id="THEIRS",
                                                   region_code="990102002001")])
    parsed = workbook_read(io.BytesIO(_export(client, window_worker)))
    assert [h.household_id for h in parsed.households] == ["MINE"]
    # Asking for the other township by filter does not widen the subtree.
    parsed = workbook_read(io.BytesIO(_export(client, window_worker, "?region=990102002")))
    assert parsed.households == []


def test_export_follows_the_list_filters(client, window_worker):
    kept, gone, other = _register(window_worker, [
        household_dict(household_id="A1", address="东街 1 号"),
        household_dict(household_id="A2", address="西街 2 号"),
        household_dict(household_id="A3", region_code="990102001"),
    ])
    household_deactivate(actor=window_worker, household=gone, reason="迁出")

    def exported(query):
        parsed = workbook_read(io.BytesIO(_export(client, window_worker, query)))
        return [h.household_id for h in parsed.households]

    assert exported("") == ["A1", "A3"]
    assert exported("?status=inactive") == ["A2"]
    assert exported("?q=东街 1") == ["A1"]
    assert exported("?region=990102001001") == ["A1"]


def test_export_queries_do_not_grow_with_households(window_worker, django_assert_max_num_queries):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            households_export(actor=window_worker, dest=io.BytesIO(),
                              households=household_search(user=window_worker))
        return len(captured)

    _register(window_worker, [rich_household(f"R{i}") for i in range(3)])
    few = queries_for_export()
    _register(window_worker, [rich_household(f"S{i}") for i in range(12)])
    with django_assert_max_num_queries(8):
        households_export(actor=window_worker, dest=io.BytesIO(),
                          households=household_search(user=window_worker))
    assert queries_for_export() == few


def test_export_is_audited_with_the_count(client, window_worker):
    _register(window_worker, [household_dict(), household_dict()])
    _export(client, window_worker, "?q=示范县")
    event = AuditEvent.objects.get(action="export")
    assert event.actor == window_worker
    assert event.detail["households"] == 2
    assert event.detail["filters"]["q"] == "示范县"
    assert event.region_path == window_worker.region.path


def test_export_needs_a_login(client, db):
    assert client.get("/exchange/export/").status_code == 302


def test_export_masks_id_numbers_and_phones_unless_the_role_may_export_them(client, tree,
                                                                          window_worker):
    from jiuzhu.core.masking import mask_id_number
    from jiuzhu.testing import UserFactory

    data = household_dict(household_id="H1", phone="13812345678")
    _register(window_worker, [data])
    numbers = [m["id_number"] for m in data["members"]]
    reviewer = UserFactory(username="review1", role="township_reviewer", region=tree["town1"])
    members = sheet_rows(_export(client, reviewer), "成员")
    column = members[1].index("id_number")
    assert [row[column] for row in members[2:]] == [mask_id_number(n) for n in numbers]
    assert "13812345678" not in repr(sheet_rows(_export(client, reviewer), "家庭"))
    masked = AuditEvent.objects.filter(action="export", actor=reviewer).first()
    assert masked.detail["field"] == "masked"

    members = sheet_rows(_export(client, window_worker), "成员")  # an importer: in full
    assert [row[column] for row in members[2:]] == numbers
    full = AuditEvent.objects.get(action="export", actor=window_worker)
    assert full.detail["field"] == "id_number"
    assert full.detail["rows"] == 3  # one household and its two members
