"""Household numbers from counter rows: H + region code + serial when none is given."""

from __future__ import annotations

import pytest

from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.models import Counter
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.testing import ApiClient, household_dict, member_dict

pytestmark = pytest.mark.django_db


def unnumbered(region_code: str, **extra):
    data = household_dict(region_code=region_code, members=[member_dict()], **extra)
    del data["household_id"]
    return data


def test_a_household_registered_without_a_number_gets_the_next_of_its_region(
        window_worker, tree):
    village, town = tree["village1"].code, tree["town1"].code
    first = household_register(actor=window_worker, data=unnumbered(village))
    second = household_register(actor=window_worker, data={**unnumbered(village),
                                                           "household_id": ""})
    assert (first.household_id, second.household_id) == (f"H{village}0001", f"H{village}0002")
    assert household_register(actor=window_worker,
                              data=unnumbered(town)).household_id == f"H{town}0001"
    assert Counter.objects.get(key=f"households:{village}").value == 2
    # An explicit number stays as it is given, and the counter skips a number taken so.
    explicit = household_register(actor=window_worker,
                                  data=household_dict(household_id=f"H{village}0003"))
    assert explicit.household_id == f"H{village}0003"
    assert household_register(actor=window_worker,
                              data=unnumbered(village)).household_id == f"H{village}0004"


def test_a_refused_registration_uses_no_number(window_worker, tree):
    village = tree["village1"].code
    taken = household_register(actor=window_worker, data=unnumbered(village))
    again = {**unnumbered(village), "members": taken_members(taken)}
    with pytest.raises(ServiceError) as error:
        household_register(actor=window_worker, data=again)
    assert error.value.code == ErrorCode.DUPLICATE_MEMBER
    assert household_register(actor=window_worker,
                              data=unnumbered(village)).household_id == f"H{village}0002"


def taken_members(household: Household) -> list[dict]:
    member = household.members.get()
    return [member_dict(name=member.name) | {"id_number": member.id_number}]


def test_without_a_number_only_the_real_errors_are_named(window_worker, tree):
    with pytest.raises(ServiceError) as error:
        household_register(actor=window_worker, data=unnumbered("990102999999"))
    assert [e["path"] for e in error.value.errors] == ["region_code"]
    assert not Counter.objects.filter(key__startswith="households:").exists()


def test_the_api_numbers_a_household_sent_without_one(client, window_worker, tree):
    api = ApiClient(client, {"window": window_worker}, "")
    response = api.post("window", "/api/v1/households", unnumbered(tree["village1"].code))
    assert response.status_code == 201, response.content
    number = f"H{tree['village1'].code}0001"
    assert response.json()["household_id"] == number
    assert Household.objects.get(pk=response.json()["id"]).household_id == number
