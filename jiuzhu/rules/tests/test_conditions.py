"""Items as data (issue #16 item 5): the condition language refuses what is not
whitelisted, and the 39 items written as conditions decide exactly what the hand-written
masks decided; an added item (MZ12) gets its own column."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.conditions import (
    FACTS,
    ConditionError,
    Facts,
    evaluate,
    explain,
    parse,
)
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.frame import segment_sum
from jiuzhu.rules.prescription import (
    CODES,
    DEFAULT_RULES,
    ELIGIBLE,
    POSSIBLE,
    RECEIVING,
    ItemRule,
    prescribe,
    prescription_arrays,
)
from jiuzhu.rules.programs import ProgramExtras
from jiuzhu.rules.synthetic import generate, to_dicts

from .prescription_oracle import oracle_prescription_arrays

MZ12 = "any(member.age >= 60) and rural and circle in [1, 2, 3]"


@pytest.mark.parametrize(("text", "says"), [
    ("__import__('os')", "只能调用"),
    ("__import__('os').system('ls')", "只能调用"),
    ("open('/etc/passwd')", "只能调用"),
    ("member.__class__", "未知的事实“member.__class__”"),
    ("any(member.__class__)", "未知的事实“member.__class__”"),
    ("standard.real > 1", "只能读取成员的事实"),
    ("(lambda: 1)()", "只能调用"),
    ("[x for x in []]", "不允许的写法"),
    ("circle[0] == 1", "不允许的写法"),
    ("per_capitaa < 600", "未知的事实“per_capitaa”"),
    ("member.age > 60", "只能写在 any"),
    ("any(any(member.age > 1))", "不能写在另一个成员条件之中"),
    ("per_capita", "应为是/否"),
    ("per_capita < ", "语法错误"),
    ("standard * standard > 1", "两个金额不能相乘"),
    ("per_capita < members", "金额只能与金额或数字比较"),
    ("any(member.health == 'ill')", "没有取值“ill”"),
    ("circle in [1, 'a']", "数值只能与数字比较"),
    ("per_capita < 1.23456", "最多 4 位小数"),
    ("per_capita ** 2 > 1", "只支持 + - *"),
    ("any(x=member.age > 1)", "只接受一个参数"),
    ("receiving(1)", "事项编码"),
    ("rural == True", "不能比较"),
    ("per_capita < 1e400", "数字无效"),
])
def test_refused_with_a_chinese_message_naming_it(text, says):
    with pytest.raises(ConditionError) as error:
        parse(text)
    assert says in error.value.message
    assert 1 <= error.value.position <= len(text) + 1


def test_the_position_names_the_unknown_fact():
    with pytest.raises(ConditionError) as error:
        parse("rural and 收入 < 600")
    assert error.value.position == 11
    assert "收入" in error.value.message


def test_huge_and_deep_input_refused_before_parsing():
    with pytest.raises(ConditionError, match="过长"):
        parse("rural or " * 400 + "rural")
    with pytest.raises(ConditionError, match="过深"):
        parse("(" * 50 + "rural" + ")" * 50)
    with pytest.raises(ConditionError, match="过深|过长"):
        parse("not " * 100 + "rural")
    with pytest.raises(ConditionError, match="过长"):
        parse(" or ".join(["rural"] * 301))


def test_facts_have_chinese_labels():
    assert all(f.label and not f.label.isascii() for f in FACTS.values())


def _facts(h: dict, m: dict, offsets) -> Facts:
    return Facts(len(next(iter(h.values()))), np.asarray(offsets), {**h, **m})


def test_exact_money_in_yuan_and_multiples_of_the_standard():
    # per_capita 899.99 and 900.00 元 against 1.5 × 600.00 元; money in fen
    facts = _facts({"per_capita": np.array([89_999, 90_000, 90_001]),
                    "standard": np.array([60_000] * 3)},
                   {}, [0, 0, 0, 0])
    assert evaluate(parse("per_capita < standard * 1.5"), facts).tolist() == [True, False, False]
    assert evaluate(parse("per_capita <= 900"), facts).tolist() == [True, True, False]
    assert evaluate(parse("per_capita - 0.01 < 900 - 0.01 * 1"), facts).tolist() == [True, False, False]
    assert evaluate(parse("0 < per_capita <= standard + 300"), facts).tolist() == [True, True, False]


def test_quantifiers_and_enums():
    facts = _facts({"rural": np.array([True, False])},
                   {"member.age": np.array([61, 5, 30, 40]),
                    "member.health": np.array([v.HEALTH.index("severe_disability"), 0, 0, 0])},
                   [0, 2, 4])
    assert evaluate(parse("any(member.age >= 60)"), facts).tolist() == [True, False]
    assert evaluate(parse("count(member.age >= 18) == 2"), facts).tolist() == [False, True]
    assert evaluate(parse("all(member.age > 4)"), facts).tolist() == [True, True]
    assert evaluate(parse("any(member.health == 'severe_disability' and rural)"),
                    facts).tolist() == [True, False]
    assert evaluate(parse("any(member.health not in ['healthy'])"), facts).tolist() == [True, False]


def _extras(batch, seed: int) -> ProgramExtras:
    rng = np.random.default_rng(seed)
    m, s = len(batch.health), len(batch.supporter_income)
    return ProgramExtras(
        care_level=rng.integers(0, len(v.CARE_LEVELS), m).astype(np.int8),
        female=rng.random(m) < 0.5,
        relation=rng.integers(0, len(v.RELATIONS), m).astype(np.int8),
        supporter_child=rng.random(s) < 0.3,
        link_supporter=np.zeros(0, np.int64), link_member=np.zeros(0, np.int64))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_39_conditions_decide_what_the_hand_written_masks_decided(seed):
    batch = generate(20_000, seed=seed)
    extras = _extras(batch, seed)
    result = assess_arrays(batch, detail=True)
    receiving = np.random.default_rng(seed).random((len(batch), len(CODES))) < 0.05
    new = prescription_arrays(batch, extras, result=result, receiving=receiving)
    old = oracle_prescription_arrays(batch, extras, result=result, receiving=receiving)
    assert new.codes == CODES
    assert (new.status == old.status).all()
    assert (new.eligible == old.eligible).all() and (new.possible == old.possible).all()
    assert (new.assisted == old.assisted).all() and (new.near_poor == old.near_poor).all()
    for code, mask in old.member_masks.items():
        assert (new.member_masks[code] == mask).all(), code
    # every status of every item occurs somewhere (the comparison means something)
    for column, rule in enumerate(DEFAULT_RULES):
        seen = set(np.unique(new.status[:, column]).tolist())
        if rule.eligible:
            assert ELIGIBLE in seen, rule.code
        if rule.possible:
            assert POSSIBLE in seen, rule.code


def test_an_added_item_gets_its_column_for_exactly_the_matching_households():
    batch = generate(5_000, seed=11)
    extras = _extras(batch, 11)
    result = assess_arrays(batch, detail=True)
    items = (*DEFAULT_RULES, ItemRule("MZ12", 33, "冬季取暖补贴", eligible=MZ12))
    a = prescription_arrays(batch, extras, result=result, items=items)
    old = prescription_arrays(batch, extras, result=result)
    assert a.codes[-1] == "MZ12" and a.status.shape == (len(batch), 40)
    assert (a.status[:, :39] == old.status).all()
    ages = result.member_detail.age
    direct = ((segment_sum(ages >= 60, batch.member_offsets) > 0) & batch.rural
              & np.isin(result.circle, [1, 2, 3]))
    assert direct.any() and not direct.all()
    assert ((a.status[:, -1] == ELIGIBLE) == direct).all()


def test_an_added_item_in_prescribe_with_its_reason_from_the_condition():
    households = to_dicts(generate(300, seed=5))
    items = (*DEFAULT_RULES, ItemRule("MZ12", 33, "冬季取暖补贴", eligible=MZ12))
    results = prescribe(households, [set() for _ in households], items=items)
    receiving = prescribe(households[:1], [{"MZ12"}], items=items)[0]
    entries = [next(e for e in r["prescription"] if e["item_code"] == "MZ12") for r in results]
    assert {e["status"] for e in entries} == {"eligible", "not_eligible"}
    held = next(e for e in entries if e["status"] == "eligible")
    assert held["reason"].startswith("满足条件：") and "有成员（年龄 ≥ 60）" in held["reason"]
    failed = next(e for e in entries if e["status"] == "not_eligible")
    assert failed["reason"].startswith("不满足条件：")
    assert next(e for e in receiving["prescription"] if e["item_code"] == "MZ12")["status"] == \
        "receiving"
    # the 39 are unchanged by the added item
    plain = prescribe(households[:20])
    for with_item, without in zip(results[:20], plain, strict=True):
        assert with_item["prescription"][:39] == without["prescription"]


def test_explain_names_the_clauses_and_figures():
    batch = generate(200, seed=3)
    extras = _extras(batch, 3)
    a = prescription_arrays(batch, extras)
    assert a.facts is not None
    condition = parse("per_capita < standard * 1.5 and rural")
    held = evaluate(condition, a.facts)
    i = int(np.flatnonzero(held)[0])
    clauses = explain(condition, a.facts, i)
    assert [c.held for c in clauses] == [True, True]
    assert clauses[0].text == "家庭人均月收入 < 低保标准 × 1.5"
    assert "家庭人均月收入" in clauses[0].figures and "元" in clauses[0].figures
    assert clauses[1].text == "农村家庭"


def test_receiving_fact():
    batch = generate(100, seed=4)
    items = (*DEFAULT_RULES, ItemRule("MZ12", 33, "冬季取暖补贴", eligible="receiving('MZ01')"))
    receiving = np.zeros((100, 40), dtype=np.bool_)
    receiving[:10, 1] = True  # MZ01
    a = prescription_arrays(batch, _extras(batch, 4), receiving=receiving, items=items)
    assert (a.status[:10, -1] == ELIGIBLE).all() and (a.status[10:, -1] != ELIGIBLE).all()
    assert (a.status[:10, 1] == RECEIVING).all()


# --- fuzzing: whatever is typed, parse answers a Condition or a ConditionError, and what
# parses evaluates on a batch without error ----------------------------------------------

TOKENS = ["any(", "all(", "count(", "(", ")", "member.age", "member.health", "member.school",
          "member.in_school", "member.coefficient", "per_capita", "standard", "gross", "circle",
          "rural", "assisted", "event", "members", "receiving('MZ01')", "and", "or", "not",
          "<", "<=", ">", ">=", "==", "!=", "in", "not in", "[1, 2]", "['healthy', 'serious_illness']",
          "'severe_disability'", "+", "-", "*", "0", "1.5", "60", "600", "0.3", "True", ","]
_BATCH = generate(300, seed=21)
_ARRAYS = prescription_arrays(_BATCH, _extras(_BATCH, 21))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14))
def test_token_soup_parses_or_is_refused_and_what_parses_evaluates(tokens):
    text = " ".join(tokens)
    try:
        condition = parse(text)
    except ConditionError as error:
        assert 1 <= error.position <= len(text) + 1 and error.message
        return
    assert _ARRAYS.facts is not None
    held = evaluate(condition, _ARRAYS.facts)
    assert held.dtype == np.bool_ and held.shape == (len(_BATCH),)
    explain(condition, _ARRAYS.facts, 0)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_is_refused(text):
    with contextlib.suppress(ConditionError):
        parse(text)
