"""Validation names the path of every wrong field, in Chinese, and reports them all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.rules import assess
from jiuzhu.rules.validation import (
    FieldError,
    birth_date_from_id,
    id_check_character,
    id_number_valid,
    validate_household,
)

from .factories import household, id_number, member


def errors_of(data) -> dict[str, str]:
    return {e.path: e.message for e in validate_household(data)}


def test_a_valid_household_has_no_errors():
    assert validate_household(household()) == []


def test_field_error_as_dict():
    assert FieldError("members[0].id_number", "身份证号校验位错误").as_dict() == {
        "path": "members[0].id_number",
        "message": "身份证号校验位错误",
    }


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", False),  # the check character is an upper-case X
        ("110105194912310021", False),
        ("99010220080612092X", True),
        ("990102200802300010", False),  # 30 February
        ("9901022008061209", False),
        (None, False),
    ],
)
def test_id_number_valid(number, valid):
    assert id_number_valid(number) is valid


def test_birth_date_from_id():
    assert birth_date_from_id("11010519491231002X") == date(1949, 12, 31)
    assert birth_date_from_id("990102200802300010") is None


def test_check_digit_error_names_the_field():
    number = id_number("1980-01-01")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    data = household([member(id_number=wrong)])
    assert errors_of(data) == {"members[0].id_number": "身份证号校验位错误"}


def test_lower_case_x_is_a_format_error():
    first17 = "99010219871117276"
    assert id_check_character(first17) == "X"
    data = household([member("1987-11-17", id_number=first17 + "x")])
    assert list(errors_of(data)) == ["members[0].id_number"]


def test_birth_date_must_agree_with_the_id_number():
    second = member("1990-05-05", member_id="M2")
    second["birth_date"] = "1990-05-06"
    data = household([member("1980-01-01"), second])
    assert errors_of(data) == {"members[1].birth_date": "出生日期与身份证号不一致"}


def test_duplicate_member_ids():
    data = household([member(), member("1982-02-02", member_id="M1")])
    assert errors_of(data) == {"members[1].member_id": "成员编号重复"}


def test_supports_must_name_members_of_this_household_once():
    data = household(
        [member(), member("1982-02-02", member_id="M2")],
        supporters=[
            {"name": "甲", "annual_income": 1, "supports": ["M1"]},
            {"name": "乙", "annual_income": 1, "supports": ["M9", "M2", "M2"]},
        ],
    )
    assert errors_of(data) == {
        "supporters[1].supports[0]": '不是本户成员："M9"',
        "supporters[1].supports[2]": '同一成员重复列出："M2"',
    }


def test_money_errors():
    data = household(
        [member(income={"wages": Decimal("-1"), "pension": Decimal("10.005"), "business": "100"})],
        expenditures={"medical": Decimal("0.001"), "education": True},
        assets={"vehicles": [{"kind": "car", "value": Decimal("-0.5")}], "debts": Decimal("1E+10")},
    )
    assert errors_of(data) == {
        "members[0].income.wages": "金额不能为负数",
        "members[0].income.pension": "金额最多两位小数",
        "members[0].income.business": "应为数字",
        "expenditures.medical": "金额最多两位小数",
        "expenditures.education": "应为数字",
        "assets.vehicles[0].value": "金额不能为负数",
        "assets.debts": "金额超出允许范围（不超过 1000000000 元）",
    }


def test_money_written_with_trailing_zeros_is_fine():
    data = household(expenditures={"medical": Decimal("100.500"), "education": Decimal("1E+2")})
    assert validate_household(data) == []


def test_enums_required_unknown_fields_types_and_patterns_all_at_once():
    data = household(
        [
            {
                "member_id": "",
                "name": "甲",
                "id_number": "123",
                "relation": "cousin",
                "birth_date": "1980-02-30",
                "health": "healthy",
                "occupation": "astronaut",
                "in_school": "yes",
                "refused_job_offers": Decimal("1.5"),
                "nickname": "x",
            }
        ],
        area_type="suburban",
        region_code="99010",
        phone="call me",
        flags={"single_parent": 1},
        assets={"homes_owned": -1, "housing_area_m2": Decimal("-3")},
        supporters=[{"name": "乙", "annual_income": 1, "supports": [], "exempt": "rich"}],
    )
    del data["members"][0]["health"]
    assert errors_of(data) == {
        "region_code": "区划代码应为 6、9 或 12 位数字（县、乡镇、村居）",
        "area_type": '不是有效的取值："suburban"（可选：urban、rural）',
        "members[0].health": "必填项",
        "members[0].member_id": "不能为空",
        "members[0].id_number": "身份证号应为 18 位：17 位数字加 1 位数字或大写 X",
        "members[0].relation": '不是有效的取值："cousin"（可选：head、spouse、child、parent、grandchild、grandparent、sibling、other）',
        "members[0].birth_date": '不是有效的日期："1980-02-30"（应为 YYYY-MM-DD）',
        "members[0].occupation": '不是有效的取值："astronaut"（可选：fixed_employment、casual_work、farming、student、retired、unemployed、none）',
        "members[0].in_school": "应为布尔值（true 或 false）",
        "members[0].refused_job_offers": "应为整数",
        "members[0].nickname": "不允许的字段",
        "phone": "联系电话应为 5–20 位数字、+、- 或空格",
        "flags.single_parent": "应为布尔值（true 或 false）",
        "assets.homes_owned": "不能为负数",
        "assets.housing_area_m2": "不能为负数",
        "supporters[0].supports": "至少需要 1 项",
        "supporters[0].exempt": '不是有效的取值："rich"（可选：null、on_dibao、serious_illness_or_severe_disability、in_prison、student）',
    }


def test_missing_required_top_level_fields_and_empty_members():
    assert errors_of({"members": []}) == {
        "household_id": "必填项",
        "region_code": "必填项",
        "area_type": "必填项",
        "assessment_date": "必填项",
        "members": "至少需要 1 项",
    }


def test_not_an_object():
    assert errors_of([1, 2]) == {"": "应为对象"}
    assert errors_of({"members": [1]}).get("members[0]") == "应为对象"


def test_null_exempt_and_integral_decimals_are_valid():
    data = household(
        supporters=[
            {"name": "乙", "annual_income": Decimal("100.10"), "supports": ["M1"], "exempt": None}
        ],
        assets={"homes_owned": Decimal("2.0"), "housing_area_m2": Decimal("60.123")},
    )
    assert validate_household(data) == []


def test_an_invalid_household_gets_no_partial_result():
    results = assess(
        [household(household_id="OK"), household(household_id="BAD", area_type="city"), "nonsense"]
    )
    assert results[0]["household_id"] == "OK" and "eligible" in results[0]
    assert results[1] == {
        "household_id": "BAD",
        "errors": [
            {"path": "area_type", "message": '不是有效的取值："city"（可选：urban、rural）'}
        ],
    }
    assert results[2] == {"household_id": None, "errors": [{"path": "", "message": "应为对象"}]}


def test_relation_and_age_are_not_checked_against_each_other():
    data = household(
        [
            member("2020-01-01", relation="parent"),
            member("1950-01-01", member_id="M2", relation="child"),
        ]
    )
    assert validate_household(data) == []


def test_a_household_total_beyond_exact_arithmetic_is_refused():
    rich = {
        kind: Decimal("1000000000")
        for kind in ("wages", "business", "property", "transfer", "pension")
    }
    people = [member("1990-01-01", f"M{k}", income=rich) for k in range(1, 22)]
    assert errors_of(household(people)) == {
        "members": "家庭收入合计超出允许范围（不超过 100000000000 元）"
    }
    assert validate_household(household(people[:20])) == []
