from decimal import Decimal

import pytest

from jiuzhu.core.errors import ServiceError
from jiuzhu.households.models import Household
from jiuzhu.households.selectors import household_history, household_search
from jiuzhu.households.services import (
    household_deactivate,
    household_register,
    household_update,
)
from jiuzhu.testing import household_dict


def test_update_keeps_history_of_each_change(window_worker):
    data = household_dict(household_id="H1")
    household = household_register(actor=window_worker, data=data)
    data["members"][0]["health"] = "chronic_illness"
    data["expenditures"]["medical"] = Decimal("3000.50")
    household_update(actor=window_worker, household=household, data=data, reason="复查更新")
    changes = household_history(household=household)
    newest = {c.what: c for c in changes if c.kind == "修改"}
    member_change = next(c for what, c in newest.items() if "家庭成员" in what)
    assert ("健康状况", "健康", "慢性病") in member_change.changes
    household_change = newest["家庭"]
    assert ("医疗支出", "1200.00", "3000.50") in household_change.changes
    assert household_change.reason == "复查更新"
    assert household_change.who == window_worker.full_name


def test_a_deactivated_household_frees_its_members(window_worker):
    data = household_dict(household_id="H1")
    household = household_register(actor=window_worker, data=data)
    with pytest.raises(ServiceError) as refused:
        household_register(actor=window_worker, data={**data, "household_id": "H2"})
    assert refused.value.code == "duplicate_member"
    household_deactivate(actor=window_worker, household=household, reason="迁出")
    household_register(actor=window_worker, data={**data, "household_id": "H2"})
    assert Household.objects.filter(status="active").count() == 1


def test_search_by_id_number_and_name(window_worker, other_window_worker):
    data = household_dict(household_id="H1")
    household_register(actor=window_worker, data=data)
    household_register(actor=other_window_worker,
                       data=household_dict(household_id="H2", region_code="990102002001"))
    number = data["members"][1]["id_number"]
    assert [h.household_id for h in household_search(user=window_worker, q=number)] == ["H1"]
    assert [h.household_id for h in household_search(user=window_worker, q="李四")] == ["H1"]
    assert [h.household_id for h in household_search(user=other_window_worker, q="李四")] == ["H2"]
