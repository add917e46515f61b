import pytest

from jiuzhu.accounts.demo import load_users
from jiuzhu.contracts import demo
from jiuzhu.contracts.models import Contract, ContractedInvestigation, Settlement
from jiuzhu.households.demo import load_households
from jiuzhu.regions.demo import load_regions

pytestmark = pytest.mark.django_db


def test_demo_loads_a_settled_and_an_open_period_once():
    regions = load_regions()
    load_users(regions)
    load_households(regions, per_village=2)
    assert demo.load() == len(demo.PLAN)
    assert demo.load() == 0
    contract = Contract.objects.get(number=demo.NUMBER)
    assert contract.price_fen == 20000 and contract.advance_fen == 10000000
    settlement = Settlement.objects.get()
    assert settlement.accepted_count == 3 and settlement.amount_fen == 60000
    states = list(ContractedInvestigation.objects.values_list("state", flat=True))
    assert states.count("settled") == 3
    assert {"accepted", "reported", "returned", "investigator_assigned", "assigned"} <= set(states)
