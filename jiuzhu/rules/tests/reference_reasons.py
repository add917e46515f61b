"""The reasons of the prescription as they were first written: one household at a time in
plain Python (the path :mod:`jiuzhu.rules.prescription` used before its reasons became
templates over the arrays). Kept as the reference the vectorised reasons must equal,
text for text (``test_prescription_reasons.py``)."""

# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jiuzhu.rules.money import format_fen, format_scaled, yuan_to_fen
from jiuzhu.rules.prescription import (
    ASSISTANCE,
    ASSISTED_LABELS,
    CODES,
    COLUMN,
    NAMES,
    ON_REQUEST,
    RECEIVING,
    STATUSES,
    PrescriptionArrays,
)
from jiuzhu.rules.units import BASIS_POINTS, MONTHS_PER_YEAR
from jiuzhu.rules.vetoes import veto_codes


def reference_reasons(household: Mapping[str, Any], a: PrescriptionArrays, i: int) -> list[str]:
    """The 39 reasons of row ``i`` (in :data:`CODES` order), the old way."""
    facts = _Facts(household, a, i)
    return [_reason(code, STATUSES[int(a.status[i, column])], facts)
            for column, code in enumerate(CODES)]


class _Facts:
    """The figures of one household that the reasons name."""

    def __init__(self, household: Mapping[str, Any], a: PrescriptionArrays, i: int):
        r, p = a.result, a.programs
        self.household = household
        self.members = household["members"]
        start, stop = int(r.member_offsets[i]), int(r.member_offsets[i + 1])
        self.start, self.stop = start, stop
        assert r.member_detail is not None
        self.ages = [int(x) for x in r.member_detail.age[start:stop]]
        self.coefficients = [int(x) for x in r.member_detail.coefficient[start:stop]]
        self.a, self.i = a, i
        self.P = format_fen(int(r.per_capita[i]))
        self.standard = format_fen(int(r.standard[i]))
        self.line = format_fen(int(p.low_income_line[i]) // BASIS_POINTS)
        self.vetoes = veto_codes(int(r.vetoes[i]))
        self.circle = int(r.circle[i])
        self.G = format_fen(int(r.gross_fen[i]))
        self.D = format_fen(int(r.deductions[i]))
        self.n = int(r.members[i])
        expenditures = household.get("expenditures") or {}
        self.medical = format_fen(yuan_to_fen(expenditures.get("medical", 0)))
        self.assisted = bool(a.assisted[i])
        self.near_poor = bool(a.near_poor[i])
        self.tekun = bool(p.tekun[i])
        self.share = _ratio(int(p.rigid_expense_share_bp[i]))
        self.rigid = bool(p.rigid_hardship[i])
        self.event = bool((household.get("flags") or {}).get("recent_hardship_event", False))
        self.annual = format_fen(int(r.per_capita[i]) * MONTHS_PER_YEAR)
        self.disposable = format_fen(int(p.disposable_income[i]))
        self.rural = household["area_type"] == "rural"
        self.cap = format_fen(int(p.temporary_cap[i]))
        self.township = format_fen(int(p.township_limit[i]))
        self.tekun_members = [
            {"member_id": self.members[k]["member_id"],
             "monthly_amount": format_fen(int(p.tekun_amount[start + k]))}
            for k in range(stop - start) if p.tekun_member[start + k]
        ]

    def who(self, code: str) -> str:
        """The members an item's member predicate found, e.g. "成员1（17岁）"."""
        mask = self.a.member_masks[code][self.start:self.stop]
        found = [f"{self.members[k]['name']}（{self.ages[k]}岁）" for k in range(len(mask)) if mask[k]]
        return "、".join(found)

    def receiving(self, code: str) -> bool:
        return int(self.a.status[self.i, COLUMN[code]]) == RECEIVING

    @property
    def standing(self) -> str:
        """Why the household is assisted, near-poor or neither."""
        if self.vetoes:
            return f"存在一票否决情形（{'、'.join(self.vetoes)}），不属于救助对象或低收入边缘家庭"
        if self.assisted:
            kinds = [ASSISTED_LABELS[c] for c in ASSISTANCE if self._assisted_by(c)]
            return f"家庭属于救助对象（{'、'.join(kinds)}）"
        if self.near_poor:
            return f"家庭人均月收入 {self.P} 元，处于第{self.circle}信息圈（低收入边缘）"
        if self.circle == 0:
            return f"家庭人均月收入 {self.P} 元超过 2 倍低收入标准，不属于救助对象或低收入边缘家庭"
        return f"家庭人均月收入 {self.P} 元，处于第{self.circle}信息圈，不属于救助对象或低收入边缘家庭"

    def _assisted_by(self, code: str) -> bool:
        column = COLUMN[code]
        return bool(self.a.eligible[self.i, column]) or self.receiving(code)


def _ratio(bp: int) -> str:
    return format_scaled(bp, BASIS_POINTS, min_places=1)


def _reason(code: str, status: str, f: _Facts) -> str:
    if status == "receiving":
        return f"家庭已在办理或享受“{NAMES[code]}”"
    if code in ON_REQUEST:
        return "依申请办理"
    handler = _REASONS.get(code)
    if handler is not None:
        return handler(status, f)
    return _group_reason(code, status, f)


def _mz03(status: str, f: _Facts) -> str:
    if status == "eligible":
        names = {m["member_id"]: m["name"] for m in f.members}
        people = "、".join(f"{names[m['member_id']]}（每月 {m['monthly_amount']} 元）"
                          for m in f.tekun_members)
        return (f"家庭人均月收入 {f.P} 元低于低保标准 {f.standard} 元，无否决情形，"
                f"{people}无劳动能力且无法定赡养抚养能力人，符合特困人员条件")
    if f.vetoes:
        return f"存在一票否决情形（{'、'.join(f.vetoes)}），不符合特困人员条件"
    if not bool(f.a.programs.dibao[f.i]):
        return f"家庭人均月收入 {f.P} 元不低于低保标准 {f.standard} 元，不符合特困人员条件"
    if bool(f.a.programs.able_member[f.i]):
        return "家庭中有其他具备劳动能力（劳动力系数大于 0）的成员，不符合特困人员条件"
    return "没有同时满足无劳动能力、无生活来源、无赡养抚养能力人三个条件的成员"


def _mz01(status: str, f: _Facts) -> str:
    if f.vetoes:
        return f"存在一票否决情形：{'、'.join(f.vetoes)}，不符合低保条件"
    if status == "eligible":
        reason = f"家庭人均月收入 {f.P} 元低于低保标准 {f.standard} 元，无否决情形"
        return reason + ("；与特困人员救助供养重复，衔接时优先特困" if f.tekun else "")
    return f"家庭人均月收入 {f.P} 元不低于低保标准 {f.standard} 元，不符合低保条件"


def _mz02(status: str, f: _Facts) -> str:
    if f.vetoes:
        return f"存在一票否决情形：{'、'.join(f.vetoes)}，不能认定为低保边缘家庭"
    if status == "eligible":
        return (f"家庭人均月收入 {f.P} 元不低于低保标准 {f.standard} 元且不高于低收入标准 "
                f"{f.line} 元，无否决情形")
    if bool(f.a.programs.dibao[f.i]):
        return f"家庭人均月收入 {f.P} 元低于低保标准 {f.standard} 元，应为低保家庭"
    return f"家庭人均月收入 {f.P} 元高于低收入标准 {f.line} 元"


def _mz06(status: str, f: _Facts) -> str:
    area = "农村" if f.rural else "城镇"
    if status == "eligible":
        return (f"家庭人均年收入 {f.annual} 元低于上年度{area}居民人均可支配收入 {f.disposable} 元，"
                f"刚性支出 {f.D} 元超过家庭总收入 {f.G} 元的 {f.share} 倍，无否决情形")
    if f.vetoes:
        return f"存在一票否决情形：{'、'.join(f.vetoes)}，不能认定为刚性支出困难家庭"
    if f.a.programs.dibao[f.i] or f.a.programs.low_income[f.i] or f.tekun:
        return "家庭已符合特困、低保或低保边缘条件，不再认定刚性支出困难"
    if int(f.a.result.per_capita[f.i]) * MONTHS_PER_YEAR >= int(f.a.programs.disposable_income[f.i]):
        return f"家庭人均年收入 {f.annual} 元不低于上年度{area}居民人均可支配收入 {f.disposable} 元"
    return f"刚性支出 {f.D} 元未超过家庭总收入 {f.G} 元的 {f.share} 倍"


def _mz04(status: str, f: _Facts) -> str:
    if status == "possible":
        why = "近期遭遇突发困难" if f.event else \
            f"刚性支出 {f.D} 元超过家庭总收入 {f.G} 元的 {f.share} 倍"
        return (f"{why}，可申请临时救助：单次最多 {f.cap} 元，乡镇可审批 {f.township} 元以内，"
                "超过由县级审批")
    return f"无近期突发困难，刚性支出 {f.D} 元未超过家庭总收入 {f.G} 元的 {f.share} 倍"


def _mz05(status: str, f: _Facts) -> str:
    if status == "possible":
        return "近期遭遇突发困难，可先行救助（急难先行）"
    return "没有登记近期突发困难事件"


def _member_reason(code: str, what: str, *, assisted_only: bool = False,
                   group: bool = True, none: str = "") -> Any:
    """A reason for items of the form "(assisted|near-poor and) a member such that …"."""

    def reason(status: str, f: _Facts) -> str:
        found = f.who(code)
        if not found:
            return none or f"家庭中没有{what}的成员"
        if not group:
            return f"{found}{what}" + ("，符合条件" if status == "eligible" else
                                       "，可能符合条件" if status == "possible" else "")
        if status in ("eligible", "possible"):
            return f"{f.standing}，{found}{what}"
        if assisted_only and f.near_poor:
            return f"{f.standing}，{found}{what}，但本事项仅面向救助对象"
        return f"{f.standing}，{found}{what}"

    return reason


def _wj01(status: str, f: _Facts) -> str:
    return f"{f.standing}，年医疗支出 {f.medical} 元"


def _zj(status: str, f: _Facts) -> str:
    homes = int((f.household.get("assets") or {}).get("homes_owned", 0))
    return f"{f.standing}，家庭自有住房 {homes} 套"


def _zj02(status: str, f: _Facts) -> str:
    if not f.rural:
        return "城市家庭不适用农村危房改造"
    if not (f.household.get("assets") or {}).get("dilapidated_housing"):
        return "农村家庭，住房未登记为危房"
    return f"{f.standing}，农村家庭住房为危房"


def _mz07(status: str, f: _Facts) -> str:
    if status == "eligible":
        return f"{f.who('MZ07')}为未满 18 周岁的孤儿或事实无人抚养儿童"
    if status == "possible":
        return "单亲家庭，有未满 18 周岁的成员，可能属于困境儿童"
    return "没有未满 18 周岁的孤儿或事实无人抚养儿童，且不属于有未成年人的单亲家庭"


def _wj03(status: str, f: _Facts) -> str:
    youngest = min(f.ages)
    if status == "possible":
        return f"成员均已年满 49 周岁（最小 {youngest} 岁），成员和赡养人中没有子女"
    return f"成员最小 {youngest} 岁，或成员、赡养人中有子女，不符合计生特殊家庭情形"


def _fl02(status: str, f: _Facts) -> str:
    single = bool((f.household.get("flags") or {}).get("single_parent"))
    if not single:
        return "不是单亲家庭"
    head = next((m for m in f.members if m["relation"] == "head"), None)
    if head is None:
        return "家庭没有登记户主"
    if int(head["id_number"][16]) % 2 == 1:
        return f"单亲家庭，户主 {head['name']} 为男性（身份证号第17位为奇数）"
    return f"{f.standing}，单亲家庭，户主 {head['name']} 为女性"


def _event_group(status: str, f: _Facts) -> str:
    if not f.event:
        return "没有登记近期突发困难事件"
    return f"{f.standing}，近期遭遇突发困难"


def _hm02(status: str, f: _Facts) -> str:
    if status == "possible":
        return f"年医疗支出 {f.medical} 元超过家庭总收入 {f.G} 元的 0.3 倍"
    return f"年医疗支出 {f.medical} 元未超过家庭总收入 {f.G} 元的 0.3 倍"


def _group_reason(code: str, status: str, f: _Facts) -> str:
    return f"{f.standing}"


_REASONS: dict[str, Any] = {
    "MZ03": _mz03, "MZ01": _mz01, "MZ02": _mz02, "MZ06": _mz06, "MZ04": _mz04, "MZ05": _mz05,
    "WJ01": _wj01,
    "WJ02": _member_reason("WJ02", "患重病", group=False),
    "JY01": _member_reason("JY01", "在读学前教育"),
    "JY02": _member_reason("JY02", "在读义务教育（小学或初中）"),
    "JY03": _member_reason("JY03", "在读普通高中"),
    "JY04": _member_reason("JY04", "在读中等职业教育"),
    "JY05": _member_reason("JY05", "在读大学", group=False),
    "ZJ01": _zj, "ZJ02": _zj02, "ZJ03": _zj,
    "RS01": _member_reason("RS01", "16–59 岁、有劳动能力且失业、无业或灵活就业"),
    "RS02": _member_reason("RS02", "16–59 岁、不在校且非固定就业", assisted_only=True),
    "RS03": _member_reason("RS03", "16–59 岁、有劳动能力且不在校", group=False),
    "CL01": _member_reason("CL01", "有残疾", none="家庭中没有残疾成员"),
    "CL02": _member_reason("CL02", "重度残疾", group=False),
    "CL03": _member_reason("CL03", "有残疾", group=False, none="家庭中没有残疾成员"),
    "MZ07": _mz07,
    "MZ08": _member_reason("MZ08", "年满 80 周岁", group=False),
    "MZ09": _member_reason("MZ09", "年满 60 周岁且需要半护理或全护理"),
    "WJ03": _wj03,
    "FL01": _member_reason("FL01", "为年满 18 周岁、患重病的女性", group=False,
                           none="家庭中没有年满 18 周岁、患重病的女性成员"),
    "FL02": _fl02,
    "GH01": _member_reason("GH01", "固定就业"),
    "GH02": _member_reason("GH02", "在读大学"),
    "HS01": _event_group, "HM01": _event_group, "HM02": _hm02,
    "HS02": _member_reason("HS02", "在校就读", none="家庭中没有在校就读的成员"),
    "TW01": _member_reason("TW01", "未满 18 周岁且在校就读"),
}
