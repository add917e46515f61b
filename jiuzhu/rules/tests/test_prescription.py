"""The other programmes and the prescription (15-programs.md): the 29 spec examples exactly,
the "exact readings" one by one, and properties over generated households."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.batch import batch_from_households
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.parameters import parameters_for
from jiuzhu.rules.prescription import CODES, ITEMS, prescribe, prescription_arrays
from jiuzhu.rules.programs import extras_from_households, is_female, program_parameters

from .factories import CASES, household, id_number, load_cases, member
from .reference_programs import reference_prescription
from .strategies import households

SPEC = {case["name"]: case["input"] for case in load_cases("spec_examples")}
EXPECTED = json.loads((CASES / "prescriptions_expected.json").read_text(encoding="utf-8"))


MONEY_KEYS = {"wages", "medical", "annual_income"}


def decimals(value: Any) -> Any:
    """Money written as strings in these tests, read as decimals (as JSON input would be)."""
    if isinstance(value, dict):
        return {k: Decimal(x) if k in MONEY_KEYS and isinstance(x, str) else decimals(x)
                for k, x in value.items()}
    if isinstance(value, list):
        return [decimals(x) for x in value]
    return value


def one(data: dict[str, Any], receiving: set[str] | None = None) -> dict[str, Any]:
    (result,) = prescribe([decimals(data)], [receiving or set()])
    return result


def status(result: dict[str, Any], code: str) -> str:
    return next(e["status"] for e in result["prescription"] if e["item_code"] == code)


def entry(result: dict[str, Any], code: str) -> dict[str, Any]:
    return next(e for e in result["prescription"] if e["item_code"] == code)


# --- the spec examples ------------------------------------------------------------------


def test_all_29_examples_are_there():
    assert len(EXPECTED) == 29
    assert [e["household_id"] for e in EXPECTED] == list(SPEC)


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["household_id"] for e in EXPECTED])
def test_spec_example(expected: dict[str, Any]):
    result = one(SPEC[expected["household_id"]])
    got = [{k: e[k] for k in ("item_code", "status", "order", "overlaps")}
           for e in result["prescription"]]
    assert got == expected["prescription"]
    assert result["tekun_members"] == expected["tekun_members"]
    for e in result["prescription"]:
        assert set(e) == {"item_code", "status", "reason", "order", "overlaps"}
        assert isinstance(e["reason"], str) and e["reason"]


def test_the_examples_as_one_batch_give_the_same():
    results = prescribe(list(SPEC.values()))
    for result, expected in zip(results, EXPECTED, strict=True):
        assert [e["status"] for e in result["prescription"]] == \
            [e["status"] for e in expected["prescription"]]


def test_39_items_in_table_order():
    assert len(ITEMS) == 39 and len(set(CODES)) == 39
    orders = [order for _c, order, _n in ITEMS]
    assert orders == sorted(orders) and orders[-1] == 32


def test_reason_names_the_figures():
    result = one(SPEC["H00002"])
    assert entry(result, "MZ01")["reason"].startswith("家庭人均月收入 ")
    assert "元低于低保标准" in entry(result, "MZ01")["reason"]


def test_catalogue_names_may_be_passed_in():
    (result,) = prescribe([SPEC["H00001"]], names={"MZ01": "城乡低保"})
    assert entry(result, "MZ01")["item_name"] == "城乡低保"
    assert entry(result, "MZ03")["item_name"] == "特困人员救助供养"


def test_an_invalid_household_gives_errors_and_no_prescription():
    bad = household(members=[member(id_number="990102198001011234")])
    (result,) = prescribe([bad])
    assert set(result) == {"household_id", "errors"}
    assert result["errors"][0]["path"].startswith("members[0]")


# --- MZ02 and MZ06 bounds -----------------------------------------------------------------

def earner(wages: str, **fields: Any) -> dict[str, Any]:
    """A 46-year-old with fixed wages (c does not add imputed income to fixed employment)."""
    return household(members=[member(occupation="fixed_employment", income={"wages": wages})],
                     **fields)


def test_mz02_bounds_are_inclusive():
    # rural 2026: standard 720, L = 1080; one member: P = wages / 12.
    assert status(one(earner("8640")), "MZ02") == "eligible"  # P = 720 = standard
    assert status(one(earner("8639.88")), "MZ02") == "not_eligible"  # P = 719.99 → dibao
    assert status(one(earner("8639.88")), "MZ01") == "eligible"
    assert status(one(earner("12960")), "MZ02") == "eligible"  # P = 1080 = L
    assert status(one(earner("12960.12")), "MZ02") == "not_eligible"  # P = 1080.01


def test_mz02_not_with_a_veto():
    vetoed = earner("8640", flags={"false_information": True})
    assert status(one(vetoed), "MZ02") == "not_eligible"


def test_mz06_is_strict_on_income_and_on_rigid_share():
    # P × 12 < 21600 (rural disposable income 2026) and D > 0.6 × G.
    base = earner("21600", expenditures={"medical": "12960.01"})
    # G = 21600, D = 12960.01 > 12960; net = 8639.99 → P = 720.00 → MZ02, not MZ06.
    assert status(one(base), "MZ02") == "eligible"
    assert status(one(base), "MZ06") == "not_eligible"
    high = earner("40000", expenditures={"medical": "24000"})  # D = 0.6 G exactly: not >
    assert status(one(high), "MZ06") == "not_eligible"
    high = earner("40000", expenditures={"medical": "24000.01"})
    # net 15999.99 → P 1333.33 > L (1080); 12 P = 15999.96 < 21600; D > 0.6 G.
    assert status(one(high), "MZ06") == "eligible"
    assert status(one(high), "MZ04") == "possible"


def test_mz06_income_bound_is_strict_for_urban_too():
    # urban 2026: disposable 45200; P × 12 = 45200 is not below it.
    at = earner("100000", area_type="urban", expenditures={"medical": "60000.01"})
    # net = 39999.99 → P = 3333.33, 12 P = 39999.96 < 45200 → recognised
    assert status(one(at), "MZ06") == "eligible"
    above = earner("200000", area_type="urban", expenditures={"medical": "145600"})
    # net 54400 → P 4533.33, 12 P = 54399.96 ≥ 45200
    assert status(one(above), "MZ06") == "not_eligible"


def test_g_zero_clauses():
    nothing = household(members=[member(birth_date="1940-01-01")])  # G = 0, D = 0
    result = one(nothing)
    assert status(result, "MZ04") == "not_eligible"
    assert status(result, "HM02") == "not_eligible"
    some = household(members=[member(birth_date="1940-01-01")], expenditures={"medical": "0.01"})
    result = one(some)
    assert status(result, "MZ04") == "possible"
    assert status(result, "HM02") == "possible"


def test_hm02_uses_gross_income():
    assert status(one(earner("10000", expenditures={"medical": "3000"})), "HM02") == "not_eligible"
    assert status(one(earner("10000", expenditures={"medical": "3000.01"})), "HM02") == "possible"


# --- MZ03 -----------------------------------------------------------------------------------

def test_mz03_amount_rounds_both_terms_with_the_own_standard():
    # urban 2026: 1.3 × 900 = 1170; partial 2000/6 = 333.33 → 333; full 500; self 200.
    for level, amount in (("partial", "1503.00"), ("full", "1670.00"), (None, "1370.00")):
        m = member(birth_date="1950-01-01")
        if level:
            m["care_level"] = level
        result = one(household(members=[m], area_type="urban"))
        assert result["tekun_members"] == [{"member_id": "M1", "monthly_amount": amount}]
        assert status(result, "MZ03") == "eligible"
        assert entry(result, "MZ01")["overlaps"] == ["MZ03"]
    # rural 2025: 1.3 × 680 = 884; partial 1900/6 = 316.67 → 317.
    m = member(birth_date="1950-01-01", care_level="partial")
    result = one(household(members=[m], assessment_date="2025-06-15"))
    assert result["tekun_members"] == [{"member_id": "M1", "monthly_amount": "1201.00"}]


def test_serious_illness_alone_does_not_make_a_member_unable_to_work():
    sick = member(health="serious_illness", occupation="none")  # 46, c = 0
    result = one(household(members=[sick]))
    assert status(result, "MZ01") == "eligible"
    assert status(result, "MZ03") == "not_eligible"
    assert entry(result, "MZ01")["overlaps"] == []
    disabled = member(health="severe_disability", occupation="none")
    assert status(one(household(members=[disabled])), "MZ03") == "eligible"


def test_age_bounds_of_unable_to_work():
    on = "2026-06-15"
    assert one(household(members=[member(birth_date="1966-06-15")]))["tekun_members"]  # 60
    assert not one(household(members=[member(birth_date="1966-06-16")]))["tekun_members"]  # 59
    child = member(birth_date="2008-06-16", occupation="student")  # 17
    assert one(household(members=[child], assessment_date=on))["tekun_members"]
    adult = member(birth_date="2008-06-15", occupation="none")  # 18, c = 1.0 → imputed income
    assert not one(household(members=[adult]))["tekun_members"]


def test_supporters_count_per_member():
    old = [member(birth_date="1940-01-01"),
           member(birth_date="1942-01-01", member_id="M2", relation="spouse",
                  id_number=id_number("1942-01-01", 102))]
    supporter = {"name": "子", "relation": "child", "annual_income": "0", "supports": ["M2"]}
    result = one(household(members=old, supporters=[supporter]))
    assert [m["member_id"] for m in result["tekun_members"]] == ["M1"]
    exempt = {**supporter, "exempt": "in_prison"}
    result = one(household(members=old, supporters=[exempt]))
    assert [m["member_id"] for m in result["tekun_members"]] == ["M1", "M2"]


def test_an_able_member_blocks_others_but_an_unable_one_never_does():
    old = member(birth_date="1940-01-01")
    able = member(birth_date="1990-01-01", member_id="M2", occupation="none",
                  id_number=id_number("1990-01-01", 102), health="moderate_disability")
    # c = 0.3, imputed 0.3 × 2000 × 8 = 4800 / 12 / 2 = 200 < 720 → dibao, but M2 can work
    result = one(household(members=[old, able]))
    assert status(result, "MZ01") == "eligible"
    assert status(result, "MZ03") == "not_eligible"
    other_old = member(birth_date="1945-01-01", member_id="M2", id_number=id_number("1945-01-01", 102))
    result = one(household(members=[old, other_old]))
    assert [m["member_id"] for m in result["tekun_members"]] == ["M1", "M2"]


# --- sex, relations, areas -------------------------------------------------------------------

def test_female_from_the_17th_digit():
    assert is_female("99010220080612092X")  # 17th digit 2
    assert not is_female("990102195005011017")  # 17th digit 1


def test_fl01_and_fl02_read_the_17th_digit():
    woman = member(birth_date="1980-01-01", id_number=id_number("1980-01-01", 102),
                   health="serious_illness", occupation="none")
    man = member(birth_date="1980-01-01", id_number=id_number("1980-01-01", 101),
                 health="serious_illness", occupation="none")
    assert status(one(household(members=[woman])), "FL01") == "possible"
    assert status(one(household(members=[man])), "FL01") == "not_eligible"
    single = {"single_parent": True}
    assert status(one(household(members=[woman], flags=single)), "FL02") == "eligible"
    assert status(one(household(members=[man], flags=single)), "FL02") == "not_eligible"
    # the first member with relation head counts; none → not_eligible
    no_head = copy.deepcopy(woman)
    no_head["relation"] = "spouse"
    assert status(one(household(members=[no_head], flags=single)), "FL02") == "not_eligible"
    second = copy.deepcopy(woman)
    second.update(member_id="M2", relation="head", id_number=id_number("1980-01-01", 104))
    assert status(one(household(members=[man, second], flags=single)), "FL02") == "not_eligible"


def test_zj02_is_for_rural_households_only():
    dilapidated = {"homes_owned": 1, "housing_area_m2": 40, "dilapidated_housing": True}
    poor = [member(birth_date="1940-01-01")]
    assert status(one(household(members=poor, assets=dilapidated)), "ZJ02") == "eligible"
    urban = household(members=poor, assets=dilapidated, area_type="urban")
    assert status(one(urban), "ZJ02") == "not_eligible"


def test_wj03_counts_only_relation_child():
    older = [member(birth_date="1970-01-01", relation="head"),
             member(birth_date="1975-06-15", member_id="M2", relation="spouse",
                    id_number=id_number("1975-06-15", 102))]
    assert status(one(household(members=older)), "WJ03") == "possible"
    child_supporter = {"name": "子", "relation": "child", "annual_income": "0", "supports": ["M1"]}
    assert status(one(household(members=older, supporters=[child_supporter])), "WJ03") == \
        "not_eligible"
    other_supporter = {**child_supporter, "relation": "other"}
    assert status(one(household(members=older, supporters=[other_supporter])), "WJ03") == \
        "possible"
    younger = copy.deepcopy(older)
    younger[1].update(birth_date="1977-06-16", id_number=id_number("1977-06-16", 102))  # 48
    assert status(one(household(members=younger)), "WJ03") == "not_eligible"


# --- receiving, on request, vetoes --------------------------------------------------------------

def test_receiving_overrides_and_makes_the_household_assisted():
    well_off = earner("100000", assets={"homes_owned": 0})
    result = one(well_off)
    assert status(result, "MZ01") == "not_eligible"
    assert status(result, "ZJ01") == "not_eligible"
    result = one(well_off, {"MZ01", "SF01"})
    assert status(result, "MZ01") == "receiving"
    assert status(result, "SF01") == "receiving"
    assert result["summary"]["assisted"] is False  # circle 0 is neither
    near = earner("25000", assets={"homes_owned": 0})  # P 2083.33: circle 4 (≤ 2160)
    assert one(near)["summary"]["near_poor"] is True
    assert status(one(near), "ZJ01") == "possible"
    assert status(one(near, {"MZ02"}), "ZJ01") == "eligible"


@pytest.mark.parametrize("code", ["SF01", "SF02", "MZ10", "MZ11"])
def test_on_request_items(code: str):
    result = one(SPEC["H00001"])
    assert status(result, code) == "not_eligible"
    assert entry(result, code)["reason"] == "依申请办理"
    assert status(one(SPEC["H00001"], {code}), code) == "receiving"


def test_a_vetoed_household_is_neither_assisted_nor_near_poor_but_neutral_items_apply():
    old = member(birth_date="1940-01-01", health="severe_disability")
    result = one(household(members=[old], flags={"false_information": True},
                           assets={"homes_owned": 0}))
    assert result["summary"]["assisted"] is False and result["summary"]["near_poor"] is False
    assert status(result, "MZ01") == "not_eligible"
    assert status(result, "ZJ01") == "not_eligible"
    assert status(result, "CL02") == "eligible"
    assert status(result, "MZ08") == "eligible"


def test_temporary_cap_and_township_limit():
    result = one(household(members=[member(birth_date="1940-01-01")],
                           flags={"recent_hardship_event": True}))
    assert result["summary"]["temporary_cap"] == "4320.00"  # 6 × 720 × 1
    assert result["summary"]["township_approval_limit"] == "2160.00"
    assert status(result, "MZ04") == "possible" and status(result, "MZ05") == "possible"


def test_parameters_of_15_programs():
    from datetime import date
    from fractions import Fraction

    p = program_parameters(parameters_for("990102", date(2026, 1, 1)))
    assert p.urban_disposable_income_fen == 4_520_000
    assert p.rural_disposable_income_fen == 2_160_000
    assert p.care_allowance == (Fraction(1, 10), Fraction(1, 6), Fraction(1, 4))
    assert (p.tekun_basic_ratio_bp, p.rigid_expense_share_bp) == (13000, 6000)
    assert (p.temporary_cap_months, p.township_approval_months) == (6, 3)
    p25 = program_parameters(parameters_for("990102", date(2025, 6, 1)))
    assert p25.urban_disposable_income_fen == 4_300_000


# --- properties -------------------------------------------------------------------------------

@st.composite
def with_care_levels(draw: Any) -> dict[str, Any]:
    data = draw(households())
    for m in data["members"]:
        level = draw(st.sampled_from([None, *v.CARE_LEVELS]))
        if level:
            m["care_level"] = level
    for s in data.get("supporters") or []:
        s["relation"] = draw(st.sampled_from(["child", "other"]))
    flags = data.setdefault("flags", {})
    flags["single_parent"] = draw(st.booleans())
    flags["recent_hardship_event"] = draw(st.booleans())
    assets = data.setdefault("assets", {})
    assets["homes_owned"] = draw(st.sampled_from([0, 0, 1, 2]))
    assets["dilapidated_housing"] = draw(st.booleans())
    return data


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["household_id"] for e in EXPECTED])
def test_the_reference_agrees_with_the_spec_examples(expected: dict[str, Any]):
    ref = reference_prescription(SPEC[expected["household_id"]])
    assert ref["statuses"] == {e["item_code"]: e["status"] for e in expected["prescription"]}
    assert ref["tekun_members"] == expected["tekun_members"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=with_care_levels(), receiving=st.sets(st.sampled_from(CODES), max_size=4))
def test_the_engine_agrees_with_the_plain_reference(data: dict[str, Any], receiving: set[str]):
    (result,) = prescribe([data], [receiving])
    if "errors" in result:
        return
    ref = reference_prescription(data, receiving)
    assert {e["item_code"]: e["status"] for e in result["prescription"]} == ref["statuses"]
    assert result["tekun_members"] == ref["tekun_members"]
    assert result["summary"]["assisted"] == ref["assisted"]
    assert result["summary"]["near_poor"] == ref["near_poor"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=with_care_levels(), receiving=st.sets(st.sampled_from(CODES), max_size=6))
def test_properties(data: dict[str, Any], receiving: set[str]):
    (result,) = prescribe([data], [receiving])
    if "errors" in result:
        return
    summary = result["summary"]
    assert not (summary["assisted"] and summary["near_poor"])
    for e in result["prescription"]:
        assert (e["status"] == "receiving") == (e["item_code"] in receiving)
        assert e["overlaps"] in ([], ["MZ03"])
        if e["overlaps"]:
            assert e["item_code"] == "MZ01"
    statuses = {e["item_code"]: e["status"] for e in result["prescription"]}
    if summary["vetoes"]:
        assert not summary["assisted"] and not summary["near_poor"]
    for code in ("JY05", "ZJ03", "RS03", "CL03", "WJ03", "FL01", "MZ04", "MZ05", "HM02"):
        assert statuses[code] in ("possible", "not_eligible", "receiving")
    assert (statuses["MZ03"] in ("eligible", "receiving")) or not result["tekun_members"]
    assert bool(result["tekun_members"]) == (entry(result, "MZ01")["overlaps"] == ["MZ03"])
    if statuses["MZ02"] == "eligible":
        assert summary["circle"] == 2


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(with_care_levels(), min_size=2, max_size=8))
def test_a_household_alone_equals_the_same_inside_a_batch(batch: list[dict[str, Any]]):
    together = prescribe(batch)
    for data, result in zip(batch, together, strict=True):
        assert prescribe([data]) == [result]


def test_vectorised_over_many_households():
    from jiuzhu.rules.synthetic import generate_dicts

    dicts = generate_dicts(300, seed=7)
    batch = batch_from_households(dicts)
    arrays = prescription_arrays(batch, extras_from_households(dicts),
                                 assess_arrays(batch, detail=True))
    assert arrays.status.shape == (300, 39)
    assert not (arrays.assisted & arrays.near_poor).any()
    single = prescribe(dicts[:5])
    for row, result in enumerate(single):
        assert [e["status"] for e in result["prescription"]] == \
            [("not_eligible", "possible", "eligible", "receiving")[s] for s in arrays.status[row]]
    assert np.isin(arrays.status, [0, 1, 2]).all()
