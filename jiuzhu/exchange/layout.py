"""The layout of the household workbook (家庭信息表): its sheets and columns.

One description serves the template, the export, the reader and the error report, so an
export can be edited and imported again. Headers are Chinese with the schema key below
them (row 1 ``住址``, row 2 ``address``); data starts on row 3. Headers are fixed Chinese
text rather than translated strings: the workbook is an exchange format, and a header that
changed with the interface language could not be read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.utils import translation

from jiuzhu.households.choices import (
    CareLevel,
    Health,
    Occupation,
    Relation,
    SchoolLevel,
    SupporterRelation,
    SupportExemption,
    VehicleKind,
)
from jiuzhu.regions.choices import AreaType
from jiuzhu.rules import vocabulary

HEADER_ROWS = 2
FIRST_DATA_ROW = HEADER_ROWS + 1

TRUE_WORDS = frozenset({"是", "有", "true", "yes", "y", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "无", "false", "no", "n", "0", "×"})

# Other spellings seen in forms (the rules vocabulary words some choices differently).
_EXTRA_LABELS: dict[type[models.TextChoices], dict[str, str]] = {
    Health: vocabulary.HEALTH_LABELS,
    Occupation: vocabulary.OCCUPATION_LABELS,
    SupportExemption: vocabulary.EXEMPT_LABELS,
}


@dataclass(frozen=True)
class Column:
    """One column: the schema key inside its row's object, its header and how to read it.

    ``kind`` is one of text, date, money, number, count, bool, enum, list.
    """

    key: str
    label: str
    kind: str = "text"
    choices: type[models.TextChoices] | None = None
    required: bool = False
    width: int = 12
    hint: str = ""

    @cached_property
    def labels(self) -> list[tuple[str, str]]:
        """(code, Chinese label) of an enum column."""
        assert self.choices is not None
        with translation.override("zh-hans"):
            return [(str(value), str(label)) for value, label in self.choices.choices]

    def label_of(self, code: str) -> str:
        return self._label_by_code.get(code, code)

    @cached_property
    def _label_by_code(self) -> dict[str, str]:
        return dict(self.labels)

    @cached_property
    def code_lookup(self) -> dict[str, str]:
        """Every accepted spelling (code, Chinese label, other label) → code."""
        lookup: dict[str, str] = {}
        for code, label in self.labels:
            lookup[code.lower()] = code
            lookup[label] = code
        for code, label in _EXTRA_LABELS.get(self.choices, {}).items():  # type: ignore[arg-type]
            lookup.setdefault(label, code)
        return lookup


@dataclass(frozen=True)
class Sheet:
    """One data sheet: its name, the entity a row is, and its columns (家庭编号 first)."""

    name: str
    entity: str
    columns: tuple[Column, ...]
    required: bool = True
    note: str = ""
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})

    def column_for_path(self, path: str) -> Column | None:
        """The column holding a schema path inside this row's object
        (``income.wages`` → 工资性收入, ``supports[1]`` → 赡养的成员)."""
        best: Column | None = None
        for column in self.columns:
            key = column.key
            if (path == key or path.startswith(key + ".") or path.startswith(key + "[")) and (
                best is None or len(key) > len(best.key)
            ):
                best = column
        return best


def _money(key: str, label: str, *, required: bool = False) -> Column:
    return Column(key, label, "money", required=required, width=12, hint="元，最多两位小数")


def _flag(key: str, label: str) -> Column:
    return Column(key, label, "bool", width=10, hint="是 / 否")


HOUSEHOLD_ID = Column("household_id", "家庭编号", required=True, width=16,
                      hint="本文件内唯一；成员、赡养义务人、车辆用它对应到家庭；"
                           "新家庭可填“新1”“新2”…，导入时自动编号（H＋区划代码＋序号）")

HOUSEHOLDS = Sheet("家庭", "household", (
    HOUSEHOLD_ID,
    Column("region_code", "区划代码", required=True, width=15,
           hint="乡镇 9 位或村（社区）12 位，须在您的管辖范围内"),
    Column("area_type", "城乡类别", "enum", AreaType, required=True, width=10),
    Column("assessment_date", "信息采集日期", "date", required=True, width=13,
           hint="日期单元格或 YYYY-MM-DD"),
    Column("address", "住址", width=28),
    Column("phone", "电话", width=14),
    _money("expenditures.medical", "医疗支出"),
    _money("expenditures.education", "教育支出"),
    _money("expenditures.insurance_premiums", "社会保险缴费"),
    _money("expenditures.other_rigid", "其他刚性支出"),
    Column("assets.homes_owned", "自有住房套数", "count", width=10),
    Column("assets.housing_area_m2", "住房总面积(㎡)", "number", width=12),
    _flag("assets.dilapidated_housing", "危房"),
    _money("assets.financial_assets", "金融资产"),
    _flag("assets.business_registration", "有工商登记"),
    _money("assets.large_machinery_value", "大型农机具价值"),
    Column("assets.livestock_sheep_units", "牲畜(羊单位)", "number", width=12),
    Column("assets.contracted_land_mu", "承包地(亩)", "number", width=10),
    _money("assets.commercial_insurance_premium_annual", "商业保险年缴费"),
    _money("assets.debts", "债务"),
    _flag("flags.home_purchased_within_12m", "12个月内购(建)房"),
    _flag("flags.private_school_or_abroad", "择校或出国留学"),
    _flag("flags.refuses_verification", "拒绝调查或核对"),
    _flag("flags.false_information", "提供虚假信息"),
    _flag("flags.asset_transfer_or_split", "转移财产或拆户"),
    _flag("flags.single_parent", "单亲家庭"),
    _flag("flags.recent_hardship_event", "近期遭遇变故"),
), note="每户一行。")

MEMBERS = Sheet("成员", "member", (
    HOUSEHOLD_ID,
    Column("member_id", "成员编号", required=True, width=10, hint="户内唯一，如 M1、M2"),
    Column("name", "姓名", required=True, width=10),
    Column("id_number", "身份证号", required=True, width=21,
           hint="18 位，末位可为 X；请以文本格式填写"),
    Column("relation", "与户主关系", "enum", Relation, required=True),
    Column("birth_date", "出生日期", "date", required=True, width=13,
           hint="须与身份证号一致"),
    Column("health", "健康状况", "enum", Health, required=True),
    Column("occupation", "职业", "enum", Occupation, required=True, width=16),
    _flag("in_school", "在校"),
    Column("school_level", "学段", "enum", SchoolLevel),
    _flag("public_servant", "公职人员(在编)"),
    Column("refused_job_offers", "拒绝推荐就业次数", "count", width=10),
    _flag("orphan_or_unsupported", "孤儿或事实无人抚养"),
    Column("care_level", "自理能力", "enum", CareLevel, width=14),
    _money("income.wages", "工资性收入"),
    _money("income.business", "经营性收入"),
    _money("income.property", "财产性收入"),
    _money("income.transfer", "转移性收入"),
    _money("income.pension", "养老金"),
), note="每位家庭成员一行，收入为年收入。")

SUPPORTERS = Sheet("赡养义务人", "supporter", (
    HOUSEHOLD_ID,
    Column("name", "姓名", required=True, width=10),
    Column("relation", "关系", "enum", SupporterRelation, width=8),
    _money("annual_income", "年收入", required=True),
    Column("supports", "赡养的成员", "list", required=True, width=14,
           hint="成员编号，多个用逗号分隔，如 M1,M2"),
    Column("exempt", "免除原因", "enum", SupportExemption, width=18),
    _flag("large_assets", "拥有大额财产"),
), required=False, note="不在本户居住、负有赡养（抚养、扶养）义务的人，每人一行。")

VEHICLES = Sheet("车辆", "vehicle", (
    HOUSEHOLD_ID,
    Column("kind", "类型", "enum", VehicleKind, required=True, width=14),
    _money("value", "价值", required=True),
), required=False, note="家庭拥有的车辆，每辆一行。")

SHEETS: tuple[Sheet, ...] = (HOUSEHOLDS, MEMBERS, SUPPORTERS, VEHICLES)
SHEET_BY_ENTITY = {sheet.entity: sheet for sheet in SHEETS}
INSTRUCTIONS_SHEET = "说明"
