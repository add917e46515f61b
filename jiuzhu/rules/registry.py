"""Rules as small named functions (规则登记), each with a Chinese label and its reference.

``@rule(label=..., reference=...)`` records a function in :data:`RULES` so that an
explanation, a README or a policy analyst can list what the engine computes and on
what authority, without reading numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: 10-rules.md, "Legal basis of the structure"
MINIMUM_LIVING_REGULATIONS = "《社会救助暂行办法》（国务院令第649号，2014）；《最低生活保障审核确认办法》（民发〔2021〕57号）"
BALINZUOQI = "巴林左旗“6+1”精准画线（劳动力系数、推算收入、赡养费、刚性支出扣减、一票否决）"
JINXIANG = "金乡县家庭困难指数（3 类 35 项，自动初评、自动排序）"
BEILIN = "碑林区四级信息圈"
SPEC = "10-rules.md"


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    reference: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "label": self.label, "reference": self.reference}


RULES: dict[str, Rule] = {}


def rule(label: str, reference: str) -> Callable[[F], F]:
    """Register a rule function under its own name with a label and a reference."""

    def register(function: F) -> F:
        entry = Rule(name=function.__name__, label=label, reference=reference)
        RULES[entry.name] = entry
        function.rule = entry  # type: ignore[attr-defined]
        return function

    return register
