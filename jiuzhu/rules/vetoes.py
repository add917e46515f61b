"""One-vote vetoes (一票否决), V01–V14: any one makes a household ineligible for dibao.

Each veto is a function of the frame returning a boolean per household. The order of
:data:`VETOES` is the order of the codes in a result, and bit ``i`` of the engine's veto
mask is ``VETOES[i]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .frame import JOB_REFUSAL, PUBLIC_SERVANT, Frame
from .registry import BALINZUOQI, SPEC
from .units import BASIS_POINTS, V06_AREA_FACTOR
from .vocabulary import VEHICLE_KINDS

CAR = VEHICLE_KINDS.index("car")
REFERENCE = f"{SPEC} §Vetoes（一票否决）；{BALINZUOQI}；灌云县、镇江市低保否决情形清单"


@dataclass(frozen=True)
class Veto:
    code: str
    label: str
    test: Callable[[Frame], np.ndarray]
    reference: str = REFERENCE


def expensive_car(f: Frame) -> np.ndarray:
    b = f.batch
    limit = f.for_rows(f.value("vehicle_value_limit_fen"), b.vehicle_offsets)
    return f.vehicles_any((b.vehicle_kind == CAR) & (b.vehicle_value > limit))


def expensive_machinery(f: Frame) -> np.ndarray:
    return f.batch.large_machinery_value > f.value("machinery_value_limit_fen")


def registered_business(f: Frame) -> np.ndarray:
    return f.batch.business_registration


def public_servant(f: Frame) -> np.ndarray:
    return f.any_member(PUBLIC_SERVANT)


def financial_assets(f: Frame) -> np.ndarray:
    # financial_assets / n > months × standard, without dividing
    months_bp = f.value("financial_assets_months_bp")
    return f.batch.financial_assets * BASIS_POINTS > months_bp * f.standard * f.members


def second_home_large_area(f: Frame) -> np.ndarray:
    b = f.batch
    limit = V06_AREA_FACTOR * f.value("housing_guarantee_area_q") * f.members
    return (b.homes_owned >= 2) & (b.housing_area_ceil > limit)


def home_purchased(f: Frame) -> np.ndarray:
    return f.batch.home_purchased_within_12m


def private_school_or_abroad(f: Frame) -> np.ndarray:
    return f.batch.private_school_or_abroad


def refused_jobs(f: Frame) -> np.ndarray:
    """A member aged 16–59 with c > 0 refused ≥ 3 suitable jobs (flag set per member)."""
    return f.any_member(JOB_REFUSAL)


def refuses_verification(f: Frame) -> np.ndarray:
    return f.batch.refuses_verification


def false_information(f: Frame) -> np.ndarray:
    return f.batch.false_information


def asset_transfer(f: Frame) -> np.ndarray:
    return f.batch.asset_transfer_or_split


def livestock(f: Frame) -> np.ndarray:
    return f.batch.livestock_ceil > f.value("livestock_limit_q")


def commercial_insurance(f: Frame) -> np.ndarray:
    return f.batch.commercial_insurance_premium > f.value("commercial_insurance_premium_limit_fen")


VETOES: tuple[Veto, ...] = (
    Veto("V01", "拥有价值超过限额的小汽车", expensive_car),
    Veto("V02", "拥有价值超过限额的大型农机具", expensive_machinery),
    Veto("V03", "成员为企业法定代表人、控股股东或雇佣他人从事经营", registered_business),
    Veto("V04", "成员为国家公职人员或在编事业单位工作人员", public_servant),
    Veto("V05", "人均金融资产超过规定月数的低保标准", financial_assets),
    Veto("V06", "拥有两套及以上住房且人均住房面积超过保障面积两倍", second_home_large_area),
    Veto("V07", "申请前 12 个月内购买或自建住房", home_purchased),
    Veto("V08", "自费择校或出国留学", private_school_or_abroad),
    Veto("V09", "有劳动能力的成员多次拒绝公共就业服务机构介绍的适当工作", refused_jobs),
    Veto("V10", "拒绝配合入户调查或家庭经济状况核对", refuses_verification),
    Veto("V11", "提供虚假信息或隐瞒收入", false_information),
    Veto("V12", "以离婚、赠与、转移财产或分户等方式故意制造困难", asset_transfer),
    Veto("V13", "牲畜数量超过限额", livestock),
    Veto("V14", "商业保险年缴保费超过限额", commercial_insurance),
)
VETO_CODES = tuple(veto.code for veto in VETOES)
VETO_LABELS = {veto.code: veto.label for veto in VETOES}


def veto_mask(f: Frame) -> np.ndarray:
    """Bit i set when VETOES[i] fires (uint16 per household)."""
    mask = np.zeros(f.size, dtype=np.uint16)
    for bit, veto in enumerate(VETOES):
        mask |= np.asarray(veto.test(f), dtype=np.uint16) << np.uint16(bit)
    return mask


def veto_codes(mask: int) -> list[str]:
    """The codes of a veto mask, in V01…V14 order."""
    return [code for bit, code in enumerate(VETO_CODES) if int(mask) >> bit & 1]
