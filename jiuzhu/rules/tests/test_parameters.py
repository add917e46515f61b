"""Parameters as data: every file well-formed; resolution by county and date; errors, not defaults."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jiuzhu.rules import assess
from jiuzhu.rules import parameters as p
from jiuzhu.rules.tables import compile_parameters

from .factories import household

DEMO = "990102"
DEMO_REFERENCE = "示范县民政局 演示参数 (demo)"
FILES = sorted(p.PARAMETERS_ROOT.glob("*/*.yaml"))


def test_there_are_parameter_files():
    assert len(FILES) >= 25
    assert p.counties() == (DEMO,)


@pytest.mark.parametrize("path", FILES, ids=[f"{f.parent.name}/{f.name}" for f in FILES])
def test_every_parameter_file_has_description_unit_reference_and_dated_values(path: Path):
    data = p.load_yaml(path)
    assert set(p.REQUIRED_KEYS) <= set(data)
    assert isinstance(data["description"], str) and data["description"].strip()
    assert data["unit"]
    assert data["values"]
    for key in data["values"]:
        assert type(key) is date, f"{key!r} is not an ISO date key"
    if path.parent.name == DEMO:
        assert data["reference"] == DEMO_REFERENCE
        assert {date(2025, 1, 1), date(2026, 1, 1)} <= set(data["values"])
    assert not any(isinstance(v, float) for v in _leaves(data["values"])), (
        "floats must be read as Decimal"
    )


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


@pytest.mark.parametrize(
    ("when", "effective", "urban", "rural", "wage"),
    [
        (date(2025, 1, 1), date(2025, 1, 1), 860, 680, 1900),
        (date(2025, 12, 31), date(2025, 1, 1), 860, 680, 1900),
        (date(2026, 1, 1), date(2026, 1, 1), 900, 720, 2000),
        (date(2030, 6, 1), date(2026, 1, 1), 900, 720, 2000),
    ],
)
def test_the_latest_value_on_or_before_the_date_applies(when, effective, urban, rural, wage):
    params = p.parameters_for(DEMO, when)
    assert params.effective == effective
    assert params["dibao_standard_urban"] == urban
    assert params["dibao_standard_rural"] == rural
    assert params["min_wage_monthly"] == wage
    assert params["land_income_ratio"] == Decimal("0.6")


def test_the_demo_table_of_10_rules():
    params = p.parameters_for(DEMO, date(2026, 6, 1))
    assert params["rural_disposable_income"] == 21600
    assert params["casual_work_months"] == 8
    assert params["support_rate"] == Decimal("0.05")
    assert params["support_rate_large_assets"] == Decimal("0.10")
    assert params["financial_assets_months"] == 24
    assert params["vehicle_value_limit"] == 30000
    assert params["machinery_value_limit"] == 50000
    assert params["housing_guarantee_area_per_capita"] == 20
    assert params["livestock_limit"] == 100
    assert params["commercial_insurance_premium_limit"] == 10000
    assert params["min_benefit_ratio"] == Decimal("0.10")
    assert params["low_income_multiplier"] == Decimal("1.5")
    assert params["addon_rates"] == {
        "elderly": Decimal("0.10"),
        "minor": Decimal("0.10"),
        "severe_disability": Decimal("0.20"),
        "serious_illness": Decimal("0.30"),
    }
    assert params["hardship_caps"] == {"A": 40, "B": 40, "C": 20}
    assert sum(1 for _ in params["hardship_points"]) == 35


def test_a_date_in_the_same_period_gets_the_same_cached_set():
    assert p.parameters_for(DEMO, date(2026, 2, 1)) is p.parameters_for(DEMO, date(2026, 11, 30))


def test_explain_lists_value_date_unit_and_reference():
    entry = p.parameters_for(DEMO, date(2026, 6, 1)).explain()["dibao_standard_rural"]
    assert entry == {
        "value": "720",
        "effective": "2026-01-01",
        "unit": "元/人/月",
        "reference": DEMO_REFERENCE,
        "description": entry["description"],
    }


def test_unknown_county_is_an_error():
    with pytest.raises(p.UnknownCounty) as raised:
        p.parameters_for("990199", date(2026, 1, 1))
    assert raised.value.path == "region_code"


def test_a_date_before_the_first_values_is_an_error():
    with pytest.raises(p.NoParametersForDate) as raised:
        p.parameters_for(DEMO, date(2024, 12, 31))
    assert raised.value.path == "assessment_date"


def test_unknown_county_or_date_makes_the_household_invalid():
    [unknown] = assess([household(region_code="990199001001")])
    assert unknown["errors"] == [
        {"path": "region_code", "message": "县级区划 990199 没有配置救助参数"}
    ]
    [early] = assess([household(assessment_date="2024-12-31")])
    assert [e["path"] for e in early["errors"]] == ["assessment_date"]


def test_a_new_county_or_year_is_a_data_change_only(tmp_path: Path):
    shutil.copytree(p.PARAMETERS_ROOT / DEMO, tmp_path / "990999")
    standard = tmp_path / "990999" / "dibao_standard_urban.yaml"
    standard.write_text(
        standard.read_text(encoding="utf-8") + "  2027-01-01: 950\n", encoding="utf-8"
    )
    try:
        assert p.counties(tmp_path) == ("990999",)
        params = p.parameters_for("990999", date(2027, 3, 1), root=tmp_path)
        assert params.effective == date(2027, 1, 1)
        assert params["dibao_standard_urban"] == 950
        assert compile_parameters(params).standard_urban_fen == 95000
        assert (
            p.parameters_for("990999", date(2026, 12, 31), root=tmp_path)["dibao_standard_urban"]
            == 900
        )
    finally:
        p.clear_caches()


def test_a_parameter_that_starts_later_leaves_earlier_dates_without_parameters(tmp_path: Path):
    shutil.copytree(p.PARAMETERS_ROOT / DEMO, tmp_path / DEMO)
    (tmp_path / DEMO / "new_rule.yaml").write_text(
        "description: 新参数\nunit: 元\nreference: 某文件\nvalues:\n  2026-01-01: 1\n",
        encoding="utf-8",
    )
    try:
        with pytest.raises(p.NoParametersForDate):
            p.parameters_for(DEMO, date(2025, 6, 1), root=tmp_path)
        assert p.parameters_for(DEMO, date(2026, 6, 1), root=tmp_path)["new_rule"] == 1
    finally:
        p.clear_caches()


def test_a_dated_reference_names_the_document_in_force(tmp_path: Path):
    (tmp_path / "x.yaml").write_text(
        "description: d\nunit: 元\nreference:\n  2025-01-01: 文件一\n  2026-01-01: 文件二\n"
        "values:\n  2025-01-01: 1\n  2026-01-01: 2\n",
        encoding="utf-8",
    )
    parameter = p.load_parameter_file(tmp_path / "x.yaml")
    assert parameter.reference_at(date(2025, 1, 1)) == "文件一"
    assert parameter.reference_at(date(2026, 1, 1)) == "文件二"


@pytest.mark.parametrize(
    "text",
    [
        "unit: 元\nreference: r\nvalues:\n  2025-01-01: 1\n",
        "description: d\nunit: 元\nreference: r\nvalues:\n  '2025-01-01': 1\n",
        "description: d\nunit: 元\nreference: ''\nvalues:\n  2025-01-01: 1\n",
        "description: d\nunit: 元\nreference: r\nvalues: {}\n",
    ],
)
def test_malformed_parameter_files_are_refused(tmp_path: Path, text: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(p.ParameterFileError):
        p.load_parameter_file(path)


def test_a_value_not_exact_in_engine_units_is_refused(tmp_path: Path):
    shutil.copytree(p.PARAMETERS_ROOT / DEMO, tmp_path / DEMO)
    (tmp_path / DEMO / "support_rate.yaml").write_text(
        "description: d\nunit: 比例\nreference: r\nvalues:\n  2025-01-01: 0.123456\n",
        encoding="utf-8",
    )
    try:
        with pytest.raises(p.ParameterFileError):
            compile_parameters(p.parameters_for(DEMO, date(2025, 6, 1), root=tmp_path))
    finally:
        p.clear_caches()
