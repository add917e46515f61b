"""The engine's explanation in a worker's words (家庭年总收入, 刚性支出扣减, 人均月收入 …).

The engine (:mod:`jiuzhu.rules.explain`) names its quantities with the letters and
formulas of 10-rules.md (``G``, ``D``, ``max(0, G − D)``) — right for the API and the rules
test suite, not for a township worker or a resident reading a decision. Pages and documents
show the same exact amounts under the labels here; the formulas, the rules version and the
parameters' dates stay one click away under 详细依据.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

#: The explanation's quantities in the order a worker reads them, with their plain names.
_LABELS = (
    ("members_income", gettext_noop("家庭成员收入合计")),
    ("support", gettext_noop("赡养（抚养、扶养）费")),
    ("gross_income", gettext_noop("家庭年总收入")),
    ("deductions", gettext_noop("刚性支出扣减")),
    ("net_income", gettext_noop("扣减后家庭年收入")),
    ("per_capita_monthly_income", gettext_noop("人均月收入")),
    ("standard", gettext_noop("低保标准")),
    ("low_income_standard", gettext_noop("低收入标准")),
    ("top_up", gettext_noop("差额补助")),
    ("top_up_floor", gettext_noop("差额补助保底")),
    ("addon", gettext_noop("分类施保加发")),
    ("benefit_before_rounding", gettext_noop("取整前月保障金")),
    ("benefit_monthly", gettext_noop("月保障金")),
)
#: What each figure is, in one sentence (shown as the row's hint).
_HINTS = {
    "members_income": gettext_noop("各成员劳动收入与其他收入之和"),
    "gross_income": gettext_noop("成员收入加上赡养（抚养、扶养）费"),
    "deductions": gettext_noop("医疗、教育等刚性支出中按规定可以扣除的部分"),
    "net_income": gettext_noop("家庭年总收入减去刚性支出扣减，不低于 0"),
    "per_capita_monthly_income": gettext_noop("扣减后家庭年收入 ÷ 12 个月 ÷ 家庭人口，四舍五入到分"),
    "low_income_standard": gettext_noop("低保标准的规定倍数"),
    "top_up": gettext_noop("（低保标准 − 人均月收入）× 家庭人口，不低于保底"),
    "top_up_floor": gettext_noop("低保标准的规定比例 × 家庭人口"),
    "addon": gettext_noop("老年人、未成年人、重度残疾人、重病患者按低保标准的比例加发"),
    "benefit_monthly": gettext_noop("差额补助加分类施保，四舍五入到元；不符合条件为 0"),
}


_LABEL_OF = dict(_LABELS)


def _label(key: str) -> str:
    return _(_LABEL_OF[key])


def worker_lines(explanation: dict[str, Any] | None) -> list[dict[str, str]]:
    """``[{"key", "label", "value", "unit", "hint", "formula"}]``: the explanation's
    quantities under plain names, amounts exactly as the engine gave them; ``formula`` is the
    engine's own label (for 详细依据). Unknown quantities keep the engine's label."""
    quantities = (explanation or {}).get("quantities") or {}
    order = [key for key, _label_ in _LABELS if key in quantities]
    order += [key for key in quantities if key not in _LABEL_OF]
    lines = []
    for key in order:
        q = quantities[key]
        lines.append({
            "key": key,
            "label": _label(key) if key in _LABEL_OF else str(q.get("label", key)),
            "value": str(q.get("value", "")),
            "unit": str(q.get("unit", "")),
            "hint": _(_HINTS[key]) if key in _HINTS else "",
            "formula": str(q.get("label", "")),
        })
    return lines


def worker_reason(explanation: dict[str, Any] | None) -> str:
    """The decision in one sentence, vetoes by their names rather than their codes."""
    explanation = explanation or {}
    vetoes = [str(v.get("label") or v.get("code")) for v in explanation.get("vetoes") or []]
    if vetoes:
        return _("存在一票否决情形：%(vetoes)s，不符合低保条件") % {"vetoes": "、".join(vetoes)}
    return str((explanation.get("decision") or {}).get("reason", ""))
