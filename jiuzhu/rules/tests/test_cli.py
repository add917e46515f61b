"""The library side of ``jiuzhu assess`` and ``jiuzhu bench assess``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhu.rules.cli import EXIT_INVALID, InputError, assess_file, bench_assess, load_households

from .factories import household, load_cases


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "households.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_list_of_households_in_input_order(tmp_path: Path):
    cases = load_cases("spec_examples")[:3]
    path = write(tmp_path, json.dumps([c["input"] for c in cases], ensure_ascii=False, default=str))
    results, status = assess_file(path)
    assert status == 0
    assert [r["household_id"] for r in results] == [c["name"] for c in cases]
    assert all("explanation" in r for r in results)


def test_one_household_object(tmp_path: Path):
    path = write(tmp_path, json.dumps(household(), ensure_ascii=False))
    results, status = assess_file(path)
    assert status == 0 and len(results) == 1


def test_numbers_are_read_as_decimals(tmp_path: Path):
    data = household()
    data["members"][0]["income"] = {"pension": 0.1}
    text = json.dumps(data).replace("0.1", "0.10")
    results, _ = assess_file(write(tmp_path, text))
    assert results[0]["gross_annual_income"] == "0.10"
    bad = json.dumps(data).replace("0.1", "0.001")
    results, status = assess_file(write(tmp_path, bad))
    assert status == EXIT_INVALID
    assert results[0]["errors"] == [
        {"path": "members[0].income.pension", "message": "金额最多两位小数"}
    ]


def test_an_invalid_household_gives_errors_in_its_place_and_status_2(tmp_path: Path):
    good, bad = household(household_id="G"), household(household_id="B", area_type="town")
    results, status = assess_file(write(tmp_path, json.dumps([good, bad, 7])))
    assert status == EXIT_INVALID
    assert results[0]["household_id"] == "G" and "eligible" in results[0]
    assert results[1]["household_id"] == "B" and results[1]["errors"][0]["path"] == "area_type"
    assert results[2] == {"household_id": None, "errors": [{"path": "", "message": "应为对象"}]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{bad json", "不是有效的 JSON"),
        ('"just a string"', "应包含一个家庭"),
        ("", "不是有效的 JSON"),
    ],
)
def test_unreadable_input_is_a_clear_error(tmp_path: Path, text: str, message: str):
    with pytest.raises(InputError) as raised:
        load_households(write(tmp_path, text))
    assert message in str(raised.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="文件不存在"):
        assess_file(tmp_path / "nope.json")


def test_bench_assess_reports_the_four_figures_and_the_reference():
    figures = bench_assess(2000, repeat=1)
    assert list(figures)[:4] == ["households", "seconds", "households_per_second", "peak_rss_mb"]
    assert figures["reference_seconds"] > 0 and figures["ratio"] > 0
    assert figures["agrees_with_reference"] is True
    assert figures["households"] == 2000
    assert (
        figures["seconds"] > 0
        and figures["households_per_second"] > 0
        and figures["peak_rss_mb"] > 0
    )
