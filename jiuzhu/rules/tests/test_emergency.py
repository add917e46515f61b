"""The urgent-need assessment (急难评估): levels at every boundary, every critical item,
E07 computed at its boundary, E07/E09 refused when ticked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.rules import emergency as e
from jiuzhu.rules.parameters import ParameterFileError

PARAMS = e.emergency_parameters("990102", date(2026, 12, 5))
STANDARD = 90000  # ¥900 per person per month
SIZE = 3


def assess(ticked=(), expense=0, receiving=False, params=PARAMS):
    return e.assess_urgency(params, ticked=ticked, sudden_expense_fen=expense,
                            standard_fen=STANDARD, size=SIZE, receiving=receiving)


def params_with(**scores):
    """The demo parameters with items re-scored, to put a score on any boundary."""
    items = tuple(e.ChecklistItem(i.code, i.name, scores.get(i.code, i.score), i.critical)
                  for i in PARAMS.checklist)
    from dataclasses import replace

    return replace(PARAMS, checklist=items)


def test_the_demo_parameters():
    assert PARAMS.codes == tuple(f"E{n:02d}" for n in range(1, 12))
    assert [i.code for i in PARAMS.checklist if i.critical] == ["E01", "E02", "E03"]
    assert (PARAMS.red, PARAMS.yellow, PARAMS.blue) == (60, 40, 20)
    assert PARAMS.red_hours == 24 and PARAMS.papers_working_days == 20
    assert PARAMS.first_help_months == 3 and PARAMS.temporary_cap_months == 6
    assert PARAMS.effective == date(2026, 1, 1)
    assert e.first_help_limit_fen(PARAMS, STANDARD, SIZE) == 3 * 90000 * 3
    assert e.event_cap_fen(PARAMS, STANDARD, SIZE) == 6 * 90000 * 3


@pytest.mark.parametrize(("score", "level"), [
    (0, "green"), (19, "green"), (20, "blue"), (39, "blue"), (40, "yellow"), (59, "yellow"),
    (60, "red"), (100, "red"),
])
def test_the_level_at_every_boundary(score, level):
    params = params_with(E11=score)
    result = assess(["E11"], params=params) if score else assess(params=params)
    assert (result.score, result.level) == (score, level)
    assert result.critical == ()
    assert result.explanation.endswith(e.level_range(params, level))


def test_the_explanation_names_each_item_and_the_range():
    result = assess(["E04", "E05"])
    assert result.level == "yellow" and result.score == 55
    assert result.explanation == ("E04 突发重大疾病或意外伤害 30 分 + E05 主要劳动力死亡、"
                                  "失踪或丧失劳动能力 25 分 = 55 分，40–59 分为黄色")
    assert assess().explanation == "未符合任何计分项 = 0 分，低于 20 分为绿色"
    assert assess(["E04", "E05", "E06"]).explanation.endswith("= 80 分，60 分及以上为红色")


@pytest.mark.parametrize("code", ["E01", "E02", "E03"])
def test_every_critical_item_makes_the_case_red(code):
    result = assess([code])
    item = PARAMS.item(code)
    assert result.level == "red" and result.critical == (code,) and result.score == 0
    assert result.explanation == f"{code} {item.name}（红色必要项）→ 红色"


def test_critical_items_with_scores_keep_both():
    result = assess(["E01", "E11"])
    assert result.level == "red" and result.score == 5
    assert result.explanation == ("E01 今晚无处居住（红色必要项）→ 红色；"
                                  "计分：E11 负债且被催讨 5 分 = 5 分")


def test_e07_is_computed_above_twelve_months_of_the_standard():
    threshold = 12 * STANDARD * SIZE
    assert e.e07_threshold_fen(PARAMS, STANDARD, SIZE) == threshold
    at = assess(expense=threshold)
    assert "E07" not in at.ticked and at.score == 0
    above = assess(expense=threshold + 1)
    assert above.ticked == ("E07",) and above.score == 20 and above.level == "blue"
    assert "¥32,400.01 > ¥32,400.00" in above.explanation


def test_e09_comes_from_what_the_household_receives():
    assert assess(["E10"], receiving=True).ticked == ("E09", "E10")
    assert assess(["E10"], receiving=True).score == 20
    assert assess(["E10"], receiving=False).ticked == ("E10",)


@pytest.mark.parametrize("code", ["E07", "E09", "e07"])
def test_e07_and_e09_ticked_by_hand_are_refused(code):
    with pytest.raises(e.ChecklistError) as refused:
        assess(["E04", code])
    assert refused.value.code == code.upper()
    assert code.upper() in refused.value.message


def test_an_unknown_code_or_negative_expense_is_refused():
    with pytest.raises(e.ChecklistError) as unknown:
        assess(["E12"])
    assert unknown.value.code == "E12"
    with pytest.raises(e.ChecklistError):
        assess(expense=-1)


def test_ticked_codes_are_kept_in_checklist_order_once():
    assert assess(["E11", "E04", "E04"]).ticked == ("E04", "E11")


def test_higher():
    assert e.higher("red", "yellow") and not e.higher("green", "blue")
    assert not e.higher("blue", "blue")


def test_levels_out_of_order_are_a_file_error(tmp_path):
    import shutil

    from jiuzhu.rules import parameters as p

    shutil.copytree(p.PARAMETERS_ROOT / "990102", tmp_path / "990102")
    (tmp_path / "990102" / "emergency_levels.yaml").write_text(
        "description: d\nunit: 分\nreference: r\nvalues:\n"
        "  2025-01-01: {red: 40, yellow: 60, blue: 20}\n", encoding="utf-8")
    try:
        with pytest.raises(ParameterFileError):
            e.emergency_parameters("990102", date(2026, 1, 1), root=tmp_path)
    finally:
        p.clear_caches()
