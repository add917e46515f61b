"""Items as data (issue #16 item 5): a county adds MZ12 冬季取暖补贴 with a condition through
the catalogue; it appears in the 大处方 (page, API, 大处方统计) of exactly the households the
condition matches; a bad condition names its field and position and changes nothing; the
catalogue page previews which households match and why."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from jiuzhu.accounts.services import token_create
from jiuzhu.assessments.item_conditions import condition_preview, rules_in_force
from jiuzhu.assessments.prescription import household_prescription
from jiuzhu.assessments.prescription_report import prescription_report
from jiuzhu.assessments.services import household_snapshot
from jiuzhu.catalogue.models import Item
from jiuzhu.catalogue.services import item_create, item_revise
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.services import household_register
from jiuzhu.regions.models import Region
from jiuzhu.rules.batch import batch_from_households
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.frame import segment_sum
from jiuzhu.rules.prescription import CODES
from jiuzhu.rules.synthetic import generate, to_dicts
from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db

MZ12 = "any(member.age >= 60) and rural and circle in [1, 2, 3]"


@pytest.fixture
def admin(tree):
    return UserFactory(username="admin1", role="administrator", region=tree["county"])


@pytest.fixture
def households(window_worker):
    out = []
    for data in to_dicts(generate(40, seed=16)):
        data["region_code"] = "990102001001"
        out.append(household_register(actor=window_worker, data=data))
    return out


def _add_mz12(admin):
    return item_create(actor=admin, code="MZ12", name="冬季取暖补贴", department="MZ",
                       level="township", limit=10, condition_eligible=MZ12,
                       valid_from=timezone.localdate(), note="县政府冬季取暖补贴通知")


def _expected(households):
    """MZ12's condition computed directly with numpy on the engine's figures."""
    today = timezone.localdate()
    snapshots = [household_snapshot(h, on=today) for h in households]
    batch = batch_from_households(snapshots)
    result = assess_arrays(batch, detail=True)
    older = segment_sum(result.member_detail.age >= 60, batch.member_offsets) > 0
    return older & batch.rural & np.isin(result.circle, [1, 2, 3])


def test_an_added_item_appears_in_the_prescription_of_exactly_the_matching_households(
        admin, window_worker, households, client):
    _add_mz12(admin)
    assert [r.code for r in rules_in_force()][-1] == "MZ12"
    expected = _expected(households)
    assert expected.any() and not expected.all()
    for household, matches in zip(households, expected.tolist(), strict=True):
        result = household_prescription(actor=window_worker, household=household)
        entry = next(e for e in result.entries if e["item_code"] == "MZ12")
        assert entry["status"] == ("eligible" if matches else "not_eligible")
        assert entry["item_name"] == "冬季取暖补贴"
        assert entry["reason"].startswith("满足条件：" if matches else "不满足条件：")
        assert [e["item_code"] for e in result.entries][:39] == list(CODES)

    # the API: the household's prescription and the catalogue with its condition
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=window_worker)}"}
    first = households[int(np.flatnonzero(expected)[0])]
    body = client.get(f"/api/v1/households/{first.pk}/prescription", **bearer).json()
    assert next(e for e in body if e["item_code"] == "MZ12")["status"] == "eligible"
    items = client.get("/api/v1/catalogue/items", **bearer).json()
    added = next(i for i in items if i["code"] == "MZ12")
    assert added["condition"] == MZ12  # 50-api.md: the expression as written
    assert added["conditions"] == {"eligible": MZ12, "possible": None}
    mz08 = next(i for i in items if i["code"] == "MZ08")
    assert mz08["condition"] == "any(member.age >= 80)"
    assert mz08["conditions"] == {"eligible": "any(member.age >= 80)", "possible": None}
    assert next(i for i in items if i["code"] == "SF01")["condition"] is None  # on request

    # 大处方统计 counts it for the same households
    report = prescription_report(actor=admin, region=Region.objects.get(code="990102"))
    column = [code for code, _name in report.items].index("MZ12")
    assert report.items[column] == ("MZ12", "冬季取暖补贴")
    assert report.total.recommended[column] == int(expected.sum())
    chunked = prescription_report(actor=admin, region=Region.objects.get(code="990102"),
                                  chunk_size=7)  # several chunks: the same counts
    assert chunked.total.recommended == report.total.recommended
    assert chunked.total.applicable == report.total.applicable

    # the page shows it, ticked where it is recommended
    client.force_login(window_worker)
    page = client.get(f"/assessments/household/{first.pk}/prescription/").content.decode()
    assert "冬季取暖补贴" in page


def test_a_bad_condition_names_the_field_and_position_and_changes_nothing(admin):
    before = Item.objects.count()
    with pytest.raises(ServiceError) as error:
        item_revise(actor=admin, code="MZ08", valid_from=timezone.localdate() + timedelta(days=1),
                    note="改条件", condition_eligible="any(member.age >= 80) and 收入 < 3")
    (problem,) = error.value.errors
    assert problem["path"] == "condition_eligible"
    assert "第 27 个字符" in problem["message"] and "收入" in problem["message"]
    assert Item.objects.count() == before
    with pytest.raises(ServiceError) as error:
        _ = item_create(actor=admin, code="MZ12", name="冬季取暖补贴", department="MZ",
                        level="township", limit=10, condition_possible="__import__('os')",
                        note="x")
    assert error.value.errors[0]["path"] == "condition_possible"
    assert not Item.objects.filter(code="MZ12").exists()


def test_a_revised_condition_is_audited_and_takes_effect_from_its_date(admin, window_worker):
    from jiuzhu.audit.models import AuditEvent

    tomorrow = timezone.localdate() + timedelta(days=1)
    item = item_revise(actor=admin, code="MZ08", valid_from=tomorrow, note="高龄津贴放宽到 75 岁",
                       condition_eligible="any(member.age >= 75)")
    event = AuditEvent.objects.filter(action="update").order_by("-pk").first()
    assert event.detail["changes"]["condition_eligible"] == ["any(member.age >= 80)",
                                                            "any(member.age >= 75)"]
    assert item.condition_eligible == "any(member.age >= 75)"
    rules = {r.code: r for r in rules_in_force(tomorrow)}
    assert rules["MZ08"].eligible == "any(member.age >= 75)"
    assert {r.code: r for r in rules_in_force()}["MZ08"].eligible == "any(member.age >= 80)"


def test_the_preview_lists_the_matching_households_and_why(admin, households, client,
                                                           window_worker):
    preview = condition_preview(actor=admin, code="MZ12", eligible=MZ12, possible="")
    expected = _expected(households)
    assert preview.households == len(households)
    assert preview.eligible == int(expected.sum()) and preview.possible == 0
    assert len(preview.rows) == min(50, preview.eligible)
    assert all(all(c.held for c in row.clauses) for row in preview.rows)
    assert preview.rows[0].clauses[0].text == "有成员（年龄 ≥ 60）"
    assert preview.rows[0].clauses[0].figures.startswith("符合的成员：")  # by name

    client.force_login(admin)
    page = client.post("/assessments/item-condition-preview/",
                       {"code": "MZ12", "condition_eligible": MZ12})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"符合 {int(expected.sum())} 户" in html and "有成员（年龄 ≥ 60）" in html
    bad = client.post("/assessments/item-condition-preview/",
                      {"code": "MZ12", "condition_eligible": "rural and 收入 > 1"})
    assert "第 11 个字符有误" in bad.content.decode() and "收入" in bad.content.decode()
    # the item page offers the preview to the administrator; others get 403
    assert "预览符合条件的家庭" in client.get("/catalogue/admin/items/MZ08/").content.decode()
    client.force_login(window_worker)
    assert client.post("/assessments/item-condition-preview/",
                       {"condition_eligible": MZ12}).status_code == 403


def test_the_excel_round_trip_carries_the_conditions_and_names_a_bad_one(admin):
    from io import BytesIO

    from openpyxl import load_workbook

    from jiuzhu.catalogue.excel import export_workbook
    from jiuzhu.catalogue.selectors import items_in_force
    from jiuzhu.catalogue.services import catalogue_import

    book = load_workbook(BytesIO(export_workbook(items_in_force())))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("符合条件（表达式）")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "MZ08")
    assert row[column].value == "any(member.age >= 80)"
    row[column].value = "any(member.age >= 75) or"
    out = BytesIO()
    book.save(out)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ServiceError) as error:
        catalogue_import(actor=admin, content=out.getvalue(), valid_from=tomorrow, note="x")
    (problem,) = error.value.errors
    assert problem["path"] == f"rows[{row[0].row}].condition_eligible"
    assert "符合条件（表达式）" in problem["message"] and "语法错误" in problem["message"]
    row[column].value = "any(member.age >= 75)"
    out = BytesIO()
    book.save(out)
    result = catalogue_import(actor=admin, content=out.getvalue(), valid_from=tomorrow, note="x")
    assert result["revised"] == ["MZ08"]
