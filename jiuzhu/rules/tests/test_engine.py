"""The batch engine: exactness at the extremes, chunks, parameter sets, explanations."""

from __future__ import annotations

import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from jiuzhu.rules import assess, ranking
from jiuzhu.rules import parameters as p
from jiuzhu.rules.batch import batch_from_households, concatenate_batches
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.formulas import exceeds_share
from jiuzhu.rules.money import MAX_AMOUNT
from jiuzhu.rules.registry import RULES
from jiuzhu.rules.synthetic import generate
from jiuzhu.rules.units import UNITS_PER_FEN
from jiuzhu.rules.vetoes import VETO_CODES

from .factories import household, load_cases, member
from .reference import reference_result

SPEC = load_cases("spec_examples")


@pytest.mark.parametrize("share_bp", [0, 1, 2000, 3000, 6000, 10000, 15000])
def test_exceeds_share_is_exact(share_bp):
    rng = np.random.default_rng(share_bp)
    total = np.concatenate(
        [rng.integers(0, 10**17, 500), rng.integers(0, 10**6, 500), [0, 1, UNITS_PER_FEN, 10**18]]
    ).astype(np.int64)
    amount = np.concatenate(
        [rng.integers(0, 10**11, 500), rng.integers(0, 10, 500), [0, 1, 0, 10**11]]
    ).astype(np.int64)
    # amounts right at the boundary
    amount[:50] = (total[:50] // UNITS_PER_FEN) * share_bp // 10_000
    got = exceeds_share(amount, share_bp, np.divmod(total, UNITS_PER_FEN))
    for a, t, g in zip(amount.tolist(), total.tolist(), got.tolist(), strict=True):
        assert g == (Fraction(a) > Fraction(share_bp, 10_000) * Fraction(t, UNITS_PER_FEN)), (a, t)


def test_the_largest_amounts_stay_exact():
    big = MAX_AMOUNT
    people = [
        member(
            "1990-01-01",
            f"M{k}",
            occupation="farming",
            income={kind: big for kind in ("wages", "business", "property", "transfer", "pension")},
        )
        for k in range(1, 7)
    ]
    supporters = [
        {
            "name": "甲",
            "annual_income": big,
            "supports": [m["member_id"] for m in people],
            "large_assets": True,
        }
    ] * 3
    data = household(
        people,
        supporters=supporters,
        expenditures={
            k: Decimal("999999999.99")
            for k in ("medical", "education", "insurance_premiums", "other_rigid")
        },
        assets={
            "homes_owned": 3,
            "housing_area_m2": big,
            "financial_assets": big,
            "debts": big,
            "livestock_sheep_units": big,
        },
    )
    [result] = assess([data])
    expected = reference_result(data)
    assert {k: str(result[k]) for k in expected} == {k: str(v) for k, v in expected.items()}


def test_empty_batch():
    result = assess_arrays(batch_from_households([]))
    assert len(result) == 0
    assert assess([]) == []


def test_chunks_and_threads_do_not_change_results():
    batch = generate(5000, seed=21)
    whole = assess_arrays(batch, chunk_size=10**6)
    for chunk_size, workers in ((1, 1), (333, 2), (4096, 4)):
        if chunk_size == 1:
            part = assess_arrays(batch.slice(0, 200), chunk_size=1, workers=2)
            assert np.array_equal(part.index, whole.index[:200])
            continue
        other = assess_arrays(batch, chunk_size=chunk_size, workers=workers)
        for name in (
            "eligible",
            "benefit",
            "per_capita",
            "circle",
            "index",
            "vetoes",
            "gross",
            "net",
        ):
            assert np.array_equal(getattr(whole, name), getattr(other, name)), name


def test_detail_survives_chunking():
    dicts = [case["input"] for case in SPEC]
    one = assess_arrays(batch_from_households(dicts), detail=True)
    many = assess_arrays(batch_from_households(dicts), detail=True, chunk_size=5, workers=2)
    assert one.member_detail is not None and many.member_detail is not None
    assert np.array_equal(one.member_detail.earned, many.member_detail.earned)
    assert one.hardship is not None and many.hardship is not None
    assert np.array_equal(one.hardship.items, many.hardship.items)
    assert np.array_equal(one.support, many.support)


def test_select_slice_and_concatenate_round_trip():
    batch = generate(50, seed=2)
    again = concatenate_batches([batch.slice(0, 20), batch.select([20, 21]), batch.slice(22, 50)])
    a, b = assess_arrays(batch), assess_arrays(again)
    assert np.array_equal(a.index, b.index) and np.array_equal(a.benefit, b.benefit)
    reversed_ = assess_arrays(batch.select(list(range(49, -1, -1))))
    assert np.array_equal(reversed_.per_capita, a.per_capita[::-1])


def test_arrays_with_an_unknown_county_raise():
    batch = batch_from_households([household()])
    batch.county[:] = 990199
    with pytest.raises(p.ParameterError):
        assess_arrays(batch)


def test_a_batch_of_two_counties_with_different_tables(tmp_path: Path, monkeypatch):
    shutil.copytree(p.PARAMETERS_ROOT / "990102", tmp_path / "990102")
    shutil.copytree(p.PARAMETERS_ROOT / "990102", tmp_path / "990103")
    table = tmp_path / "990103" / "labour_coefficients.yaml"
    table.write_text(
        table.read_text(encoding="utf-8").replace(
            "[1.0, 0.9, 0.7, 0.4, 0]", "[0.5, 0.5, 0.5, 0.5, 0]"
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(p, "PARAMETERS_ROOT", tmp_path)
    p.clear_caches()
    try:
        person = member("1996-01-01", occupation="unemployed")
        here = household([person], household_id="A")
        there = household([person], household_id="B", region_code="990103001001")
        a, b = assess([here, there])
        assert a["per_capita_monthly_income"] == "1333.33"  # c = 1.0 × 2000 × 8 / 12
        assert b["per_capita_monthly_income"] == "666.67"  # c = 0.5
        assert b["eligible"] is True and a["eligible"] is False
        assert b["explanation"]["county"] == "990103"
    finally:
        p.clear_caches()


def test_ranking_most_difficult_first():
    dicts = [case["input"] for case in SPEC]
    result = assess_arrays(batch_from_households(dicts))
    ids = [d["household_id"] for d in dicts]
    order = ranking(result, ids)
    keys = [(-int(result.index[i]), int(result.per_capita[i]), ids[i]) for i in order]
    assert keys == sorted(keys)
    assert ids[order[0]] == "H00006"  # index 62.00


def test_explanation_carries_figures_parameters_and_reasons():
    [result] = assess(
        [case["input"] for case in SPEC if case["name"] == "E09-large-assets-supporter-two-parents"]
    )
    ex = result["explanation"]
    assert ex["county"] == "990102" and ex["assessment_date"] == "2026-06-15"
    assert ex["quantities"]["gross_income"]["value"] == "17200.00"
    assert (
        ex["quantities"]["support"]["value"] == "16000.00"
    )  # 0.10 × 80000 × 2; the daughter is exempt
    assert [s["support"] for s in ex["supporters"]] == ["16000.00", "0.00"]
    assert [s["rate"] for s in ex["supporters"]] == ["0.10", "0.05"]
    assert ex["supporters"][1]["exempt"] == "on_dibao"
    assert ex["quantities"]["per_capita_monthly_income"]["value"] == "60.00"
    assert ex["quantities"]["top_up"]["value"] == "1320.00"
    assert (
        ex["quantities"]["addon"]["value"] == "288.00"
    )  # 0.10 (74) + 0.30 (serious illness, 71) of 720
    assert [m["addon_rate"] for m in ex["members"]] == ["0.10", "0.30"]
    assert ex["parameters"]["dibao_standard_rural"] == {
        "value": "720",
        "effective": "2026-01-01",
        "unit": "元/人/月",
        "reference": "示范县民政局 演示参数 (demo)",
        "description": "农村最低生活保障标准（低保标准，农村）",
    }
    assert ex["decision"]["eligible"] is True and "60.00" in ex["decision"]["reason"]
    codes = [item["code"] for item in ex["hardship"]["items"]]
    assert "A02" in codes and "A08" in codes  # one member scores several items
    assert {rule["name"] for rule in ex["rules"]} == set(RULES)


def test_vetoes_are_explained_with_labels():
    [result] = assess([case["input"] for case in SPEC if case["name"] == "H00003"])
    vetoes = result["explanation"]["vetoes"]
    assert [(v["code"], v["label"]) for v in vetoes] == [
        ("V07", "申请前 12 个月内购买或自建住房"),
        ("V08", "自费择校或出国留学"),
    ]
    assert all("一票否决" in v["reference"] for v in vetoes)
    assert "V07" in result["explanation"]["decision"]["reason"]


def test_veto_order_and_every_rule_has_label_and_reference():
    assert list(VETO_CODES) == [f"V{i:02d}" for i in range(1, 15)]
    for rule in RULES.values():
        assert rule.label and rule.reference


def test_every_veto_and_item_fires_somewhere_in_the_synthetic_batch():
    batch = generate(20000, seed=1)
    result = assess_arrays(batch, detail=True)
    for bit, code in enumerate(VETO_CODES):
        assert ((result.vetoes >> bit) & 1).any(), code
    assert result.hardship is not None and result.hardship.items is not None
    assert (result.hardship.items > 0).any(axis=0).all()
    assert set(np.unique(result.circle).tolist()) == {0, 1, 2, 3, 4}
    assert set(np.unique(batch.assessment_date // 10000).tolist()) == {2025, 2026}
    assert ((batch.birth_date % 10000) == 229).any()
