"""New households in an import workbook (家庭编号 新1, 新2 …) are numbered by the registry."""

from __future__ import annotations

import pytest

from jiuzhu.exchange.layout import INSTRUCTIONS_SHEET
from jiuzhu.exchange.tests.workbooks import rich_household, run_import, sheet_rows, workbook_bytes
from jiuzhu.households.models import Household
from jiuzhu.testing import household_dict

pytestmark = pytest.mark.django_db


def test_new_households_of_the_file_get_registry_numbers(
        window_worker, tree, django_capture_on_commit_callbacks):
    village = tree["village1"].code
    content = workbook_bytes([rich_household("新1"), household_dict(household_id="新2"),
                              household_dict(household_id="X-7")])
    job = run_import(window_worker, content, django_capture_on_commit_callbacks)
    assert job.status == "done", job.errors
    numbers = set(Household.objects.values_list("household_id", flat=True))
    assert numbers == {f"H{village}0001", f"H{village}0002", "X-7"}
    rich = Household.objects.get(household_id=f"H{village}0001")
    # The rows of the other sheets followed their household by the file's key.
    assert rich.members.count() == 3 and rich.vehicles.count() == 2
    assert rich.supporters.count() == 1


def test_a_bad_new_household_is_reported_under_its_file_key(
        window_worker, tree, django_capture_on_commit_callbacks):
    content = workbook_bytes([household_dict(household_id="新1", region_code="990102999999")])
    job = run_import(window_worker, content, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert [(e["household_id"], e["column"]) for e in job.errors] == [("新1", "区划代码")]
    assert not Household.objects.exists()


def test_the_template_says_how_to_name_new_households():
    import io

    from jiuzhu.exchange.writer import workbook_write

    out = io.BytesIO()
    workbook_write(out, [])
    text = " ".join(str(v) for row in sheet_rows(out.getvalue(), INSTRUCTIONS_SHEET) for v in row if v)
    assert "新1" in text and "自动编号" in text
