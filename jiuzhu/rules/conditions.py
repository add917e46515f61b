"""Catalogue items' eligibility as data (事项条件, issue #16 item 5): a small, safe expression
language over the named facts the engine computes.

A condition is written like a Python expression and parsed with :mod:`ast` under a strict
whitelist — it is never ``eval``-ed::

    any(member.age >= 60) and rural and circle in [1, 2, 3]
    per_capita < standard * 1.5 and not vetoed
    assisted and any(member.in_school and member.school in ['primary', 'junior'])

- **names** are facts of :data:`FACTS`: household facts (``per_capita``, ``circle``,
  ``rural`` …) and, inside a quantifier, member facts (``member.age``, ``member.health`` …;
  a household fact there is the member's household's);
- **quantifiers** over the household's members: ``any(…)``, ``all(…)``, ``count(…)``;
- ``receiving('MZ01')``: the household already receives (or has open) an item;
- ``and or not``, comparisons (chained too), ``in`` / ``not in`` a list of literals,
  ``+ - *`` on numbers; numbers are decimals (at most 4 places) and money is in 元 —
  ``standard * 1.5`` or ``per_capita < 600`` are exact (rational arithmetic on the engine's
  integer units, never floats); an enum fact is compared with its values' names
  (``member.health == 'severe_disability'``).

Nothing else: no attribute access except ``member.<fact>``, no other call, no subscript,
no lambda, no comprehension; the text is at most :data:`MAX_LENGTH` characters, nests at
most :data:`MAX_DEPTH` deep and has at most :data:`MAX_NODES` parts.
:func:`parse` raises :class:`ConditionError` with the (1-based) character position and a
Chinese message naming the unknown fact or the refused token.

:func:`evaluate` decides a parsed condition for every household of a batch at once
(numpy, one operation per node, common parts computed once per :class:`Facts`);
:func:`explain` says, clause by clause, which held and which failed for one household.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import numpy as np

from . import vocabulary as v
from .frame import segment_sum

MAX_LENGTH = 2000
MAX_DEPTH = 12
MAX_NODES = 300
MAX_PLACES = 4
_BIG = 2**62

HOUSEHOLD, MEMBER = "household", "member"
BOOL, NUMBER, MONEY, ENUM = "bool", "number", "money", "enum"

SCHOOL_LABELS = {"none": "未就读", "preschool": "学前教育", "primary": "小学", "junior": "初中",
                 "senior": "普通高中", "vocational": "中等职业教育", "university": "大学"}
CARE_LABELS = {"self_care": "生活自理", "partial": "半护理", "full": "全护理"}
RELATION_LABELS = {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母",
                   "grandchild": "孙子女", "grandparent": "祖父母", "sibling": "兄弟姐妹",
                   "other": "其他"}


@dataclass(frozen=True)
class Fact:
    """A named fact: ``scale`` units make one (元 for money); enum facts hold the index of
    their value in ``values``."""

    name: str
    label: str
    kind: str  # HOUSEHOLD or MEMBER
    type: str  # BOOL, NUMBER, MONEY or ENUM
    scale: int = 1
    unit: str = ""
    values: tuple[str, ...] = ()
    value_labels: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "label": self.label, "kind": self.kind,
                               "type": self.type, "unit": self.unit}
        if self.values:
            out["values"] = [{"name": n, "label": self.value_labels.get(n, n)} for n in self.values]
        return out


def _fact(name: str, label: str, kind: str, type_: str, scale: int = 1, unit: str = "",
          values: tuple[str, ...] = (), labels: Mapping[str, str] | None = None) -> Fact:
    return Fact(name, label, kind, type_, scale, unit, values, dict(labels or {}))


_FEN, _YUAN = 100, "元"
#: Every fact a condition may name; ``member.…`` facts are read inside a quantifier.
FACTS: dict[str, Fact] = {f.name: f for f in (
    _fact("per_capita", "家庭人均月收入", HOUSEHOLD, MONEY, _FEN, "元/月"),
    _fact("standard", "低保标准", HOUSEHOLD, MONEY, _FEN, "元/月"),
    _fact("low_income_line", "低收入标准", HOUSEHOLD, MONEY, _FEN * 10_000, "元/月"),
    _fact("gross", "家庭总收入", HOUSEHOLD, MONEY, _FEN * 100_000, _YUAN),
    _fact("deductions", "刚性支出", HOUSEHOLD, MONEY, _FEN, _YUAN),
    _fact("medical", "年医疗支出", HOUSEHOLD, MONEY, _FEN, "元/年"),
    _fact("financial_assets", "金融资产", HOUSEHOLD, MONEY, _FEN, _YUAN),
    _fact("disposable_income", "上年度居民人均可支配收入", HOUSEHOLD, MONEY, _FEN, "元/年"),
    _fact("members", "家庭人数", HOUSEHOLD, NUMBER, 1, "人"),
    _fact("circle", "信息圈", HOUSEHOLD, NUMBER),
    _fact("homes_owned", "自有住房套数", HOUSEHOLD, NUMBER, 1, "套"),
    _fact("hardship_index", "家庭困难指数", HOUSEHOLD, NUMBER, 100, "分"),
    _fact("rural", "农村家庭", HOUSEHOLD, BOOL),
    _fact("dilapidated", "住房为危房", HOUSEHOLD, BOOL),
    _fact("single_parent", "单亲家庭", HOUSEHOLD, BOOL),
    _fact("event", "近期遭遇突发困难", HOUSEHOLD, BOOL),
    _fact("vetoed", "存在一票否决情形", HOUSEHOLD, BOOL),
    _fact("dibao", "符合低保条件", HOUSEHOLD, BOOL),
    _fact("low_income", "符合低保边缘家庭条件", HOUSEHOLD, BOOL),
    _fact("tekun", "符合特困人员条件", HOUSEHOLD, BOOL),
    _fact("rigid_expense", "符合刚性支出困难家庭条件", HOUSEHOLD, BOOL),
    _fact("temporary", "可申请临时救助", HOUSEHOLD, BOOL),
    _fact("assisted", "属于救助对象（低保、低保边缘或特困）", HOUSEHOLD, BOOL),
    _fact("near_poor", "属于低收入边缘（第3、4信息圈）", HOUSEHOLD, BOOL),
    _fact("female_head", "户主为女性", HOUSEHOLD, BOOL),
    _fact("child_supporter", "赡养人中有子女", HOUSEHOLD, BOOL),
    _fact("member.age", "年龄", MEMBER, NUMBER, 1, "岁"),
    _fact("member.health", "健康状况", MEMBER, ENUM, values=v.HEALTH, labels=v.HEALTH_LABELS),
    _fact("member.school", "就读阶段", MEMBER, ENUM, values=v.SCHOOL_LEVELS, labels=SCHOOL_LABELS),
    _fact("member.in_school", "在校就读", MEMBER, BOOL),
    _fact("member.occupation", "职业", MEMBER, ENUM, values=v.OCCUPATIONS,
          labels=v.OCCUPATION_LABELS),
    _fact("member.female", "女性", MEMBER, BOOL),
    _fact("member.care_level", "护理等级", MEMBER, ENUM, values=v.CARE_LEVELS, labels=CARE_LABELS),
    _fact("member.relation", "与户主关系", MEMBER, ENUM, values=v.RELATIONS,
          labels=RELATION_LABELS),
    _fact("member.orphan", "孤儿或事实无人抚养", MEMBER, BOOL),
    _fact("member.coefficient", "劳动力系数", MEMBER, NUMBER, 10),
    _fact("member.tekun", "符合特困人员条件", MEMBER, BOOL),
)}
QUANTIFIERS = {"any": "有成员", "all": "所有成员", "count": "满足条件的成员人数"}
RECEIVING = "receiving"
_OPERATORS = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥", ast.Eq: "=", ast.NotEq: "≠",
              ast.In: "属于", ast.NotIn: "不属于"}


class ConditionError(ValueError):
    """A condition refused: ``position`` is the 1-based character where it goes wrong."""

    def __init__(self, position: int, message: str):
        super().__init__(f"第 {position} 个字符：{message}")
        self.position = position
        self.message = message


@dataclass(frozen=True)
class Condition:
    """A parsed and checked condition (:func:`parse`)."""

    text: str
    tree: ast.expr
    facts: frozenset[str]
    receiving: frozenset[str]

    def __bool__(self) -> bool:  # the empty condition never holds
        return True


# --- parsing and checking -------------------------------------------------------------


class _Checker:
    """Walks the tree once: refuses what is not whitelisted, infers every node's type."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.facts: set[str] = set()
        self.receiving: set[str] = set()
        self.nodes = 0

    def position(self, node: ast.AST) -> int:
        line = getattr(node, "lineno", 1) - 1
        column = getattr(node, "col_offset", 0)
        before = sum(len(x) + 1 for x in self.lines[:line])
        text = self.lines[line] if line < len(self.lines) else ""
        return before + len(text.encode("utf-8")[:column].decode("utf-8", "ignore")) + 1

    def fail(self, node: ast.AST, message: str) -> ConditionError:
        return ConditionError(self.position(node), message)

    def check(self, node: ast.AST, depth: int, in_members: bool) -> tuple[str, Any]:
        """(type, detail): type is BOOL, NUMBER, MONEY, ENUM (detail the Fact), "literal"
        (a number), "string" or "list"."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(node, f"条件过长（超过 {MAX_NODES} 个部分）")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"条件嵌套过深（超过 {MAX_DEPTH} 层）")
        d = depth + 1
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self.expect_bool(value, d, in_members)
            return BOOL, None
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                self.expect_bool(node.operand, d, in_members)
                return BOOL, None
            if isinstance(node.op, ast.USub):
                kind, detail = self.check(node.operand, d, in_members)
                if kind not in (NUMBER, MONEY, "literal"):
                    raise self.fail(node, "负号只能用于数值")
                return kind, detail
            raise self.fail(node, "不支持的运算符")
        if isinstance(node, ast.BinOp):
            return self.arithmetic(node, d, in_members)
        if isinstance(node, ast.Compare):
            return self.compare(node, d, in_members)
        if isinstance(node, ast.Constant):
            constant = node.value
            if isinstance(constant, bool):
                return BOOL, None
            if isinstance(constant, int | float):
                _decimal(constant, self, node)
                return "literal", None
            if isinstance(constant, str):
                return "string", None
            raise self.fail(node, "不支持的常量")
        if isinstance(node, ast.Name):
            if node.id in QUANTIFIERS or node.id == RECEIVING:
                raise self.fail(node, f"“{node.id}”后应有括号")
            fact = FACTS.get(node.id)
            if fact is None or fact.kind != HOUSEHOLD:
                raise self.fail(node, f"未知的事实“{node.id}”")
            self.facts.add(fact.name)
            return self.typed(fact)
        if isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "member"):
                raise self.fail(node, "只能读取成员的事实（member.…）")
            name = f"member.{node.attr}"
            fact = FACTS.get(name)
            if fact is None:
                raise self.fail(node, f"未知的事实“{name}”")
            if not in_members:
                raise self.fail(node, f"成员的事实“{name}”只能写在 any(…)、all(…) 或 count(…) 之中")
            self.facts.add(name)
            return self.typed(fact)
        if isinstance(node, ast.Call):
            return self.call(node, d, in_members)
        if isinstance(node, ast.List | ast.Tuple):
            raise self.fail(node, "列表只能写在 in 之后")
        raise self.fail(node, f"不允许的写法（{type(node).__name__}）")

    @staticmethod
    def typed(fact: Fact) -> tuple[str, Any]:
        return (ENUM, fact) if fact.type == ENUM else (fact.type, fact)

    def expect_bool(self, node: ast.AST, depth: int, in_members: bool) -> None:
        kind, _detail = self.check(node, depth, in_members)
        if kind != BOOL:
            raise self.fail(node, "这里应为条件（是/否），不能是数值或文字")

    def arithmetic(self, node: ast.BinOp, depth: int, in_members: bool) -> tuple[str, Any]:
        if not isinstance(node.op, ast.Add | ast.Sub | ast.Mult):
            raise self.fail(node, "只支持 + - * 运算")
        left, _ = self.check(node.left, depth, in_members)
        right, _ = self.check(node.right, depth, in_members)
        for kind, side in ((left, node.left), (right, node.right)):
            if kind not in (NUMBER, MONEY, "literal"):
                raise self.fail(side, "只能对数值做运算")
        if isinstance(node.op, ast.Mult):
            if left == MONEY and right == MONEY:
                raise self.fail(node, "两个金额不能相乘")
            if MONEY in (left, right):
                return MONEY, None
            return (NUMBER if NUMBER in (left, right) else "literal"), None
        if {left, right} == {MONEY, NUMBER}:
            raise self.fail(node, "金额不能与非金额的数值相加减")
        if MONEY in (left, right):
            return MONEY, None
        return (NUMBER if NUMBER in (left, right) else "literal"), None

    def compare(self, node: ast.Compare, depth: int, in_members: bool) -> tuple[str, Any]:
        left = node.left
        kind, detail = self.check(left, depth, in_members)
        for op, right in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _OPERATORS:
                raise self.fail(node, "不支持的比较（is）")
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(right, ast.List | ast.Tuple) or not right.elts:
                    raise self.fail(right, "in 之后应为一个列表，如 [1, 2, 3]")
                for element in right.elts:
                    self.nodes += 1
                    self.literal_against(kind, detail, element)
                next_kind, next_detail = kind, detail  # a chain after "in" compares the left
            else:
                next_kind, next_detail = self.check(right, depth, in_members)
                self.comparable(node, kind, detail, next_kind, next_detail, right, left)
            kind, detail, left = next_kind, next_detail, right
        return BOOL, None

    def literal_against(self, kind: str, detail: Any, element: ast.AST) -> None:
        if not isinstance(element, ast.Constant) or isinstance(element.value, bool):
            raise self.fail(element, "列表中只能写数字或文字")
        if kind == ENUM:
            if not isinstance(element.value, str):
                raise self.fail(element, f"“{detail.label}”应与文字比较，如 '{detail.values[-1]}'")
            if element.value not in detail.values:
                raise self.fail(element, f"“{detail.label}”没有取值“{element.value}”"
                                f"（可用：{'、'.join(detail.values)}）")
        elif kind in (NUMBER, MONEY, "literal"):
            if not isinstance(element.value, int | float):
                raise self.fail(element, "数值只能与数字比较")
            _decimal(element.value, self, element)
        else:
            raise self.fail(element, "只有数值和取值类事实可以用 in")

    def comparable(self, node: ast.AST, left: str, left_detail: Any, right: str,
                   right_detail: Any, right_node: ast.AST, left_node: ast.AST) -> None:
        numeric = (NUMBER, MONEY, "literal")
        if left in numeric and right in numeric:
            if {left, right} == {MONEY, NUMBER}:
                raise self.fail(node, "金额只能与金额或数字比较")
            return
        if left == ENUM and right == "string":
            self.literal_against(ENUM, left_detail, right_node)
            return
        if right == ENUM and left == "string":
            self.literal_against(ENUM, right_detail, left_node)
            return
        if BOOL in (left, right):
            raise self.fail(node, "是/否类事实不能比较，请直接写事实或 not 事实")
        raise self.fail(node, "两边不能比较")

    def call(self, node: ast.Call, depth: int, in_members: bool) -> tuple[str, Any]:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name is None or (name not in QUANTIFIERS and name != RECEIVING):
            raise self.fail(node, "只能调用 any、all、count 和 receiving")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.fail(node, f"{name}(…) 只接受一个参数")
        (argument,) = node.args
        if name == RECEIVING:
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                    and argument.value.strip()):
                raise self.fail(argument, "receiving 的参数应为事项编码，如 receiving('MZ01')")
            self.receiving.add(argument.value)
            return BOOL, None
        if in_members:
            raise self.fail(node, f"{name}(…) 不能写在另一个成员条件之中")
        self.expect_bool(argument, depth, True)
        return (NUMBER if name == "count" else BOOL), None


def _decimal(value: Any, checker: _Checker | None = None, node: ast.AST | None = None) -> Decimal:
    if isinstance(value, float) and not math.isfinite(value):
        raise _refuse(checker, node, "数字无效")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES:
        raise _refuse(checker, node, f"数字最多 {MAX_PLACES} 位小数")
    if abs(number) >= Decimal(10) ** 12:
        raise _refuse(checker, node, "数字过大")
    return number


def _refuse(checker: _Checker | None, node: ast.AST | None, message: str) -> ConditionError:
    if checker is not None and node is not None:
        return checker.fail(node, message)
    return ConditionError(1, message)


@lru_cache(maxsize=1024)
def parse(text: str) -> Condition:
    """The checked condition of ``text``; :class:`ConditionError` naming what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError(1, "条件为空")
    if len(text) > MAX_LENGTH:
        raise ConditionError(MAX_LENGTH + 1, f"条件过长（超过 {MAX_LENGTH} 个字符）")
    depth = running = 0
    for index, char in enumerate(text):  # before ast: a deep nesting can exhaust the parser
        running += 1 if char in "([{" else -1 if char in ")]}" else 0
        depth = max(depth, running)
        if depth > MAX_DEPTH:
            raise ConditionError(index + 1, f"条件嵌套过深（超过 {MAX_DEPTH} 层）")
    source = " ".join(text.split("\n")) if "\n" in text else text
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        offset = (error.offset or 1) + (len(source) - len(source.lstrip()))
        raise ConditionError(offset, "语法错误，请检查括号、引号和运算符") from None
    except (ValueError, RecursionError, MemoryError):
        raise ConditionError(1, "无法解析的条件") from None
    checker = _Checker(source.strip())
    kind, _detail = checker.check(tree.body, 0, False)
    if kind != BOOL:
        raise checker.fail(tree.body, "整个条件应为是/否的判断，而不是数值或文字")
    return Condition(text=text, tree=tree.body, facts=frozenset(checker.facts),
                     receiving=frozenset(checker.receiving))


def check(text: str) -> Condition | None:
    """:func:`parse`, with the empty text meaning "no condition" (None)."""
    return parse(text.strip()) if text and text.strip() else None


# --- evaluation ------------------------------------------------------------------------


class Facts:
    """The facts of a batch: household facts (length H) and member facts (length M, with
    ``offsets`` of length H + 1). A fact is an array or a function giving it (computed once
    when first asked); ``receiving`` maps item codes to a bool array (length H)."""

    def __init__(self, size: int, offsets: np.ndarray,
                 values: Mapping[str, np.ndarray | Callable[[], np.ndarray]],
                 receiving: Callable[[str], np.ndarray] | None = None):
        self.size = size
        self.offsets = offsets
        self._values = dict(values)
        self._cache: dict[str, np.ndarray] = {}
        self._receiving = receiving
        self.memo: dict[str, Any] = {}
        self._owner: np.ndarray | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            value = self._values[name]
            self._cache[name] = np.asarray(value() if callable(value) else value)
        return self._cache[name]

    def receiving(self, code: str) -> np.ndarray:
        if self._receiving is None:
            return np.zeros(self.size, dtype=np.bool_)
        return np.asarray(self._receiving(code), dtype=np.bool_)

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def owner(self) -> np.ndarray:
        """Each member's household row."""
        if self._owner is None:
            self._owner = np.repeat(np.arange(self.size), self.counts)
        return self._owner


@dataclass
class _Rational:
    """``value / scale``: value an int64 (or object, when large) array or an int."""

    value: Any
    scale: int


def _times(value: Any, factor: int) -> Any:
    if factor == 1:
        return value
    if isinstance(value, np.ndarray):
        if value.dtype != object and len(value) and int(np.abs(value).max()) * factor >= _BIG:
            value = value.astype(object)
        return value * factor
    return value * factor


def _common(a: _Rational, b: _Rational) -> tuple[Any, Any, int]:
    scale = math.lcm(a.scale, b.scale)
    return _times(a.value, scale // a.scale), _times(b.value, scale // b.scale), scale


def _largest(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(np.abs(value).max()) if len(value) else 0
    return abs(int(value))


class _Evaluator:
    def __init__(self, facts: Facts):
        self.facts = facts

    def run(self, node: ast.AST, members: bool) -> Any:
        key = ("m:" if members else "h:") + ast.dump(node)
        memo = self.facts.memo
        if key not in memo:
            memo[key] = self.compute(node, members)
        return memo[key]

    def fact(self, name: str, members: bool) -> np.ndarray:
        values = self.facts[name]
        if members and FACTS[name].kind == HOUSEHOLD:
            key = "broadcast:" + name
            memo = self.facts.memo
            if key not in memo:
                memo[key] = values[self.facts.owner]
            return memo[key]
        return values

    def compute(self, node: ast.AST, members: bool) -> Any:
        if isinstance(node, ast.BoolOp):
            values = [self.run(x, members) for x in node.values]
            out = values[0]
            for value in values[1:]:
                out = (out & value) if isinstance(node.op, ast.And) else (out | value)
            return out
        if isinstance(node, ast.UnaryOp):
            operand = self.run(node.operand, members)
            if isinstance(node.op, ast.Not):
                return ~operand
            return _Rational(-operand.value, operand.scale)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                length = len(self.facts.owner) if members else self.facts.size
                return np.full(length, node.value, dtype=np.bool_)
            if isinstance(node.value, str):
                return node.value
            return _literal(node.value)
        if isinstance(node, ast.Name):
            return self.wrap(node.id, members)
        if isinstance(node, ast.Attribute):
            return self.wrap(f"member.{node.attr}", True)
        if isinstance(node, ast.BinOp):
            left, right = self.run(node.left, members), self.run(node.right, members)
            if isinstance(node.op, ast.Mult):
                value_l, value_r = left.value, right.value
                if _largest(value_l) * _largest(value_r) >= _BIG:
                    value_l = value_l.astype(object) if isinstance(value_l, np.ndarray) else value_l
                return _Rational(value_l * value_r, left.scale * right.scale)
            a, b, scale = _common(left, right)
            return _Rational(a + b if isinstance(node.op, ast.Add) else a - b, scale)
        if isinstance(node, ast.Compare):
            return self.compare(node, members)
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            argument = node.args[0]
            if name == RECEIVING:
                receiving = self.facts.receiving(argument.value)  # type: ignore[attr-defined]
                return receiving[self.facts.owner] if members else receiving
            inner = self.run(argument, True)
            if name == "any":
                return segment_sum(inner, self.facts.offsets) > 0
            if name == "all":
                return segment_sum(~inner, self.facts.offsets) == 0
            return _Rational(segment_sum(inner, self.facts.offsets), 1)
        raise TypeError(type(node).__name__)  # pragma: no cover - refused by parse

    def wrap(self, name: str, members: bool) -> Any:
        fact = FACTS[name]
        values = self.fact(name, members)
        if fact.type in (NUMBER, MONEY):
            return _Rational(values, fact.scale)
        if fact.type == ENUM:
            return (fact, values)
        return values

    def compare(self, node: ast.Compare, members: bool) -> np.ndarray:
        left = self.run(node.left, members)
        out = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                elements = [e.value for e in right_node.elts]  # type: ignore[attr-defined]
                held = self.member_of(left, elements)
                held = ~held if isinstance(op, ast.NotIn) else held
                right = left
            else:
                right = self.run(right_node, members)
                held = self.relate(op, left, right)
            out = held if out is None else out & held
            left = right
        out = np.asarray(out)
        if out.ndim == 0:  # only literals compared
            out = np.full(len(self.facts.owner) if members else self.facts.size, bool(out))
        return out

    def member_of(self, left: Any, elements: Sequence[Any]) -> np.ndarray:
        if isinstance(left, tuple):
            fact, values = left
            return np.isin(values, [fact.values.index(e) for e in elements])
        held = None
        for element in elements:
            one = self.relate(ast.Eq(), left, _literal(element))
            held = one if held is None else held | one
        assert held is not None
        return held

    def relate(self, op: ast.cmpop, left: Any, right: Any) -> np.ndarray:
        if isinstance(left, tuple) or isinstance(right, tuple):
            fact, values = left if isinstance(left, tuple) else right
            text = right if isinstance(left, tuple) else left
            index = fact.values.index(text)
            return values == index if isinstance(op, ast.Eq) else values != index
        a, b, _scale = _common(left, right)
        out = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
               ast.GtE: np.greater_equal, ast.Eq: np.equal, ast.NotEq: np.not_equal}[type(op)](a, b)
        out = np.asarray(out)
        return out if out.dtype == np.bool_ else out.astype(np.bool_)


@lru_cache(maxsize=4096)
def _literal_parts(value: Any) -> tuple[int, int]:
    number = _decimal(value)
    sign, digits, exponent = number.as_tuple()
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    scale = 10 ** places
    return int(number * scale), scale


def _literal(value: Any) -> _Rational:
    numerator, scale = _literal_parts(value)
    return _Rational(numerator, scale)


def evaluate(condition: Condition | None, facts: Facts) -> np.ndarray:
    """The households (bool, length H) where ``condition`` holds; None holds nowhere."""
    if condition is None:
        return np.zeros(facts.size, dtype=np.bool_)
    out = _Evaluator(facts).run(condition.tree, False)
    return np.asarray(out, dtype=np.bool_)


def evaluate_members(condition: Condition, facts: Facts) -> np.ndarray:
    """A member condition (the body of a quantifier, ``member.age >= 60``) per member."""
    return np.asarray(_Evaluator(facts).run(condition.tree, True), dtype=np.bool_)


def parse_members(text: str) -> Condition:
    """A condition on one member (``member.age >= 60``, no quantifier around it)."""
    wrapped = parse(f"any({text})")
    call = wrapped.tree
    assert isinstance(call, ast.Call)
    return Condition(text=text, tree=call.args[0], facts=wrapped.facts, receiving=wrapped.receiving)


def first_member_condition(condition: Condition | None) -> Condition | None:
    """The body of the first quantifier of ``condition`` (depth first), if any: the members
    an item's reason names."""
    if condition is None:
        return None
    for node in ast.walk(condition.tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in QUANTIFIERS:
            return Condition(text=ast.unparse(node.args[0]), tree=node.args[0],
                             facts=condition.facts, receiving=condition.receiving)
    return None


# --- explanation -----------------------------------------------------------------------


def _yuan(value: int, scale: int) -> str:
    amount = (Decimal(value) / Decimal(scale)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount} 元"


def _number(value: Any, scale: int) -> str:
    try:
        number = Decimal(int(value)) / Decimal(scale)
    except (InvalidOperation, TypeError):  # pragma: no cover
        return str(value)
    text = format(number.normalize(), "f")
    return text


def describe(node: ast.AST) -> str:
    """The Chinese reading of a node: fact labels for names, Chinese operators."""
    if isinstance(node, ast.BoolOp):
        joiner = " 且 " if isinstance(node.op, ast.And) else " 或 "
        return joiner.join(_grouped(x) for x in node.values)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return "并非" + _grouped(node.operand)
        return "-" + _grouped(node.operand)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return "是" if node.value else "否"
        return str(node.value)
    if isinstance(node, ast.Name):
        return FACTS[node.id].label
    if isinstance(node, ast.Attribute):
        return FACTS[f"member.{node.attr}"].label
    if isinstance(node, ast.BinOp):
        sign = {ast.Add: "+", ast.Sub: "-", ast.Mult: "×"}[type(node.op)]
        return f"{_grouped(node.left)} {sign} {_grouped(node.right)}"
    if isinstance(node, ast.Compare):
        parts = [describe(node.left)]
        enum = _enum_of(node.left)
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(right, ast.List | ast.Tuple):
                text = "、".join(_value_label(enum, e.value) for e in right.elts  # type: ignore[attr-defined]
                                if isinstance(e, ast.Constant))
            elif isinstance(right, ast.Constant) and isinstance(right.value, str):
                text = _value_label(enum, right.value)
            else:
                text = describe(right)
                enum = _enum_of(right)
            parts += [_OPERATORS[type(op)], text]
        return " ".join(parts)
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        if name == RECEIVING:
            return f"正在享受 {node.args[0].value}"  # type: ignore[attr-defined]
        return f"{QUANTIFIERS[name]}（{describe(node.args[0])}）"
    return ast.unparse(node)  # pragma: no cover


def _grouped(node: ast.AST) -> str:
    text = describe(node)
    return f"（{text}）" if isinstance(node, ast.BoolOp | ast.BinOp) else text


def _enum_of(node: ast.AST) -> Fact | None:
    if isinstance(node, ast.Attribute):
        fact = FACTS.get(f"member.{node.attr}")
        return fact if fact and fact.type == ENUM else None
    return None


def _value_label(fact: Fact | None, value: Any) -> str:
    if fact is not None and isinstance(value, str):
        return fact.value_labels.get(value, value)
    return str(value)


@dataclass(frozen=True)
class Clause:
    """One clause of a condition for one household: its reading, whether it held, and the
    household's figures it compared."""

    text: str
    held: bool
    figures: str = ""

    def sentence(self) -> str:
        mark = "✓" if self.held else "✗"
        return f"{mark} {self.text}" + (f"（{self.figures}）" if self.figures else "")


def _clauses(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        return [c for value in node.values for c in _clauses(value)]
    return [node]


def explain(condition: Condition | None, facts: Facts, i: int,
            member_names: Sequence[str] | None = None) -> list[Clause]:
    """The clauses (the parts joined by ``and``) of ``condition`` for household ``i``, each
    with whether it held and the figures it compared."""
    if condition is None:
        return []
    evaluator = _Evaluator(facts)
    out = []
    for node in _clauses(condition.tree):
        held = bool(evaluator.run(node, False)[i])
        out.append(Clause(describe(node), held, _figures(evaluator, node, i, member_names)))
    return out


def _figures(evaluator: _Evaluator, node: ast.AST, i: int,
             member_names: Sequence[str] | None) -> str:
    """The household's values of the quantities a clause compares."""
    figures: list[str] = []
    seen: set[str] = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Call) and getattr(part.func, "id", None) in QUANTIFIERS:
            inner = evaluator.run(part.args[0], True)
            start, stop = int(evaluator.facts.offsets[i]), int(evaluator.facts.offsets[i + 1])
            rows = np.flatnonzero(inner[start:stop])
            if member_names is not None and len(rows):
                who = "、".join(str(member_names[start + k]) for k in rows.tolist()[:6])
                figures.append(f"符合的成员：{who}")
            else:
                figures.append(f"符合的成员 {len(rows)} 人")
            continue
        if not isinstance(part, ast.Name | ast.BinOp):
            continue
        if _inside_quantifier(node, part):
            continue
        if isinstance(part, ast.Name):
            fact = FACTS.get(part.id)  # not the name of a call (receiving, any…)
            if fact is None or fact.type not in (NUMBER, MONEY):
                continue
        text = describe(part)
        if text in seen:
            continue
        value = evaluator.run(part, False)
        if not isinstance(value, _Rational):
            continue
        seen.add(text)
        number = value.value[i] if isinstance(value.value, np.ndarray) else value.value
        money = _is_money(part)
        shown = _yuan(int(number), value.scale) if money else _number(number, value.scale)
        figures.append(f"{text} {shown}")
    return "；".join(figures)


def _inside_quantifier(root: ast.AST, target: ast.AST) -> bool:
    for node in ast.walk(root):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in QUANTIFIERS
                and any(child is target for child in ast.walk(node))):
            return True
    return False


def _is_money(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return FACTS[node.id].type == MONEY
    if isinstance(node, ast.BinOp):
        return _is_money(node.left) or _is_money(node.right)
    if isinstance(node, ast.UnaryOp):
        return _is_money(node.operand)
    return False


def reason(clauses: Sequence[Clause], held: bool) -> str:
    """One sentence from :func:`explain`: the clauses that decided."""
    chosen = [c for c in clauses if c.held] if held else [c for c in clauses if not c.held]
    chosen = chosen or list(clauses)
    text = "；".join(c.text + (f"（{c.figures}）" if c.figures else "") for c in chosen)
    return ("满足条件：" if held else "不满足条件：") + text
