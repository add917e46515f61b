"""The other programmes of 15-programs.md (低保边缘、特困、刚性支出困难、临时救助), as arrays.

Pure library code like :mod:`jiuzhu.rules.engine`: the same arrays, the same exact
integer units (fen, basis points, 1/100 000 fen for G), one code path for one household
and a million. :func:`programs_arrays` takes a :class:`~jiuzhu.rules.batch.HouseholdBatch`,
the few member fields the dibao engine does not need (:class:`ProgramExtras`: care level,
sex, relations, which members each supporter supports) and the engine's detailed
:class:`~jiuzhu.rules.engine.BatchResult`, and returns :class:`ProgramResult`.

- MZ02 低保边缘家庭: no veto and standard ≤ P ≤ L (inclusive).
- MZ03 特困人员, per member: (1) age ≥ 60, age < 18 or severe disability; (2) P < standard
  and no veto; (3) every supporter listing the member is exempt, and no other member not
  meeting (1) has c > 0. Monthly amount = round(tekun_basic_ratio × standard) +
  round(care_allowance_<level> × min_wage_monthly), each to the whole yuan, half up.
- MZ06 刚性支出困难家庭: no veto, none of MZ01/MZ02/MZ03, 12 P < the area's previous-year
  disposable income per capita, D > rigid_expense_share × G (G = 0: D > 0); strict bounds.
- MZ04/MZ05 临时救助: possible with a recent hardship event or D > share × G; the cap of one
  event and what a township approves alone, in fen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from . import vocabulary as v
from .batch import HouseholdBatch
from .engine import BatchResult
from .formulas import SEVERE_DISABILITY, exceeds_share
from .frame import segment_sum
from .money import div_half_up, yuan_to_fen
from .parameters import ParameterFileError, ParameterSet
from .units import BASIS_POINTS, MONTHS_PER_YEAR, UNITS_PER_FEN

CARE_SELF, CARE_PARTIAL, CARE_FULL = (v.CARE_LEVELS.index(c) for c in v.CARE_LEVELS)
HEAD = v.RELATIONS.index("head")
CHILD = v.RELATIONS.index("child")
FEN_PER_YUAN = 100


@dataclass
class ProgramExtras:
    """Member and supporter fields the programmes read beyond :class:`HouseholdBatch`.

    Members (length M, same order as the batch): ``care_level`` (index in CARE_LEVELS),
    ``female`` (17th ID digit even), ``relation`` (index in RELATIONS). Supporters (length
    S): ``supporter_child`` (relation child). Support links (length K, one per member id in
    a supporter's ``supports``): ``link_supporter`` and ``link_member``, global row indexes
    into the batch's supporters and members.
    """

    care_level: np.ndarray
    female: np.ndarray
    relation: np.ndarray
    supporter_child: np.ndarray
    link_supporter: np.ndarray
    link_member: np.ndarray


def extras_from_households(households: Sequence[Mapping[str, Any]]) -> ProgramExtras:
    """The :class:`ProgramExtras` of validated household dicts, in batch order."""
    care, female, relation, child = [], [], [], []
    link_supporter, link_member = [], []
    member_base = supporter_base = 0
    for household in households:
        members = household["members"]
        row_of = {m["member_id"]: member_base + i for i, m in enumerate(members)}
        for member in members:
            care.append(v.CARE_LEVELS.index(member.get("care_level") or "self_care"))
            female.append(is_female(member["id_number"]))
            relation.append(v.RELATIONS.index(member["relation"]))
        supporters = household.get("supporters") or []
        for j, supporter in enumerate(supporters):
            child.append(supporter.get("relation") == "child")
            for member_id in supporter["supports"]:
                link_supporter.append(supporter_base + j)
                link_member.append(row_of[member_id])
        member_base += len(members)
        supporter_base += len(supporters)
    return ProgramExtras(
        care_level=np.asarray(care, dtype=np.int8),
        female=np.asarray(female, dtype=np.bool_),
        relation=np.asarray(relation, dtype=np.int8),
        supporter_child=np.asarray(child, dtype=np.bool_),
        link_supporter=np.asarray(link_supporter, dtype=np.int64),
        link_member=np.asarray(link_member, dtype=np.int64),
    )


def is_female(id_number: str) -> bool:
    """Sex from the resident ID number: the 17th digit is odd for a man, even for a woman."""
    return int(id_number[16]) % 2 == 0


@dataclass(frozen=True)
class ProgramParameters:
    """The parameters of 15-programs.md of one parameter set, in engine units."""

    urban_disposable_income_fen: int
    rural_disposable_income_fen: int
    tekun_basic_ratio_bp: int
    care_allowance: tuple[Fraction, Fraction, Fraction]  # in CARE_LEVELS order
    min_wage_monthly_fen: int
    rigid_expense_share_bp: int
    temporary_cap_months: int
    township_approval_months: int
    low_income_multiplier_bp: int

    def care_allowance_fen(self) -> tuple[int, int, int]:
        """round(care share × minimum wage, whole yuan) per care level, in fen."""
        return tuple(  # type: ignore[return-value]
            _round_yuan_fraction(share * self.min_wage_monthly_fen) for share in self.care_allowance
        )


def _round_yuan_fraction(fen: Fraction) -> int:
    """A non-negative amount in fen rounded half up to the whole yuan, in fen."""
    yuan = fen / FEN_PER_YUAN
    whole = yuan.numerator // yuan.denominator
    if (yuan - whole) * 2 >= 1:
        whole += 1
    return whole * FEN_PER_YUAN


def _fraction(value: Any, name: str) -> Fraction:
    try:
        result = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ParameterFileError(f"{name}: {value!r} is not a number or a fraction") from None
    if result < 0:
        raise ParameterFileError(f"{name}: must not be negative")
    return result


def _bp(value: Any, name: str) -> int:
    product = _fraction(value, name) * BASIS_POINTS
    if product.denominator != 1:
        raise ParameterFileError(f"{name}: {value!r} is not a multiple of 1/{BASIS_POINTS}")
    return int(product)


def _whole(value: Any, name: str) -> int:
    number = _fraction(value, name)
    if number.denominator != 1:
        raise ParameterFileError(f"{name}: {value!r} must be a whole number")
    return int(number)


@lru_cache(maxsize=256)
def program_parameters(params: ParameterSet) -> ProgramParameters:
    """The programme parameters of a parameter set (cached per set)."""

    def get(name: str) -> Any:
        if name not in params:
            raise ParameterFileError(f"county {params.county}: parameter {name} is missing")
        return params[name]

    return ProgramParameters(
        urban_disposable_income_fen=yuan_to_fen(get("urban_disposable_income")),
        rural_disposable_income_fen=yuan_to_fen(get("rural_disposable_income")),
        tekun_basic_ratio_bp=_bp(get("tekun_basic_ratio"), "tekun_basic_ratio"),
        care_allowance=tuple(  # type: ignore[arg-type]
            _fraction(get(f"care_allowance_{level}"), f"care_allowance_{level}")
            for level in v.CARE_LEVELS
        ),
        min_wage_monthly_fen=yuan_to_fen(get("min_wage_monthly")),
        rigid_expense_share_bp=_bp(get("rigid_expense_share"), "rigid_expense_share"),
        temporary_cap_months=_whole(get("temporary_cap_months"), "temporary_cap_months"),
        township_approval_months=_whole(get("township_approval_months"), "township_approval_months"),
        low_income_multiplier_bp=_bp(get("low_income_multiplier"), "low_income_multiplier"),
    )


@dataclass
class ProgramResult:
    """Results of :func:`programs_arrays`. Households (length H) unless said; money in fen."""

    vetoed: np.ndarray  # bool: some veto fired
    dibao: np.ndarray  # bool: MZ01 eligible (10-rules.md)
    low_income: np.ndarray  # bool: MZ02 recognised
    low_income_line: np.ndarray  # L in fen × 1/10 000
    tekun_member: np.ndarray  # bool, per member (length M): qualifies for MZ03
    tekun_amount: np.ndarray  # fen, per member (0 unless qualifying)
    tekun_basic: np.ndarray  # fen, per household: round(ratio × standard)
    tekun_care: np.ndarray  # fen, per member: round(care share × minimum wage)
    tekun_unable: np.ndarray  # bool, per member: condition (1)
    tekun_supported: np.ndarray  # bool, per member: a non-exempt supporter lists it
    tekun: np.ndarray  # bool: some member qualifies
    tekun_total: np.ndarray  # fen: the household's MZ03 amount per month
    able_member: np.ndarray  # bool: a member not meeting (1) has c > 0
    rigid_hardship: np.ndarray  # bool: D > share × G (G = 0: D > 0)
    disposable_income: np.ndarray  # fen per year: the area's previous-year figure
    rigid_expense: np.ndarray  # bool: MZ06 recognised
    temporary: np.ndarray  # bool: MZ04 possible
    temporary_cap: np.ndarray  # fen: most one event may give
    township_limit: np.ndarray  # fen: most a township approves alone
    rigid_expense_share_bp: np.ndarray
    parameters: list[ProgramParameters]


def _per_household(values: list[int], set_index: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)[set_index] if values else np.zeros(0, np.int64)


def programs_arrays(
    batch: HouseholdBatch, extras: ProgramExtras, result: BatchResult
) -> ProgramResult:
    """MZ02, MZ03 (per member, with amounts), MZ06 and temporary assistance for a batch.

    ``result`` is ``assess_arrays(batch, detail=True)`` (member ages and labour
    coefficients are read from its ``member_detail``).
    """
    detail = result.member_detail
    if detail is None:
        raise ValueError("programs_arrays needs assess_arrays(batch, detail=True)")
    sets = [program_parameters(s) for s in result.parameter_sets]
    index = result.parameter_set_index
    offsets = batch.member_offsets
    n = result.members
    standard = result.standard
    per_capita = result.per_capita
    vetoed = result.vetoes != 0
    dibao = result.eligible.astype(np.bool_)

    # MZ02: standard ≤ P ≤ L, no veto.
    multiplier = _per_household([s.low_income_multiplier_bp for s in sets], index)
    line = multiplier * standard
    low_income = ~vetoed & (per_capita >= standard) & (per_capita * BASIS_POINTS <= line)

    # MZ03, per member.
    age, coefficient = detail.age, detail.coefficient
    unable = (age >= 60) | (age < 18) | (batch.health == SEVERE_DISABILITY)
    able_member = segment_sum(~unable & (coefficient > 0), offsets) > 0
    supported = np.zeros(len(age), dtype=np.bool_)
    if len(extras.link_member):
        binding = ~batch.supporter_exempt[extras.link_supporter]
        supported[extras.link_member[binding]] = True
    qualifies = unable & np.repeat(dibao & ~able_member, n) & ~supported
    ratio = _per_household([s.tekun_basic_ratio_bp for s in sets], index)
    basic = div_half_up(ratio * standard, BASIS_POINTS * FEN_PER_YUAN) * FEN_PER_YUAN
    care_table = np.asarray([s.care_allowance_fen() for s in sets], dtype=np.int64).reshape(-1, 3)
    member_set = np.repeat(index, n)
    care = care_table[member_set, extras.care_level.astype(np.int64)] if len(age) else \
        np.zeros(0, dtype=np.int64)
    amount = np.where(qualifies, np.repeat(basic, n) + care, 0)
    tekun = segment_sum(qualifies, offsets) > 0
    tekun_total = segment_sum(amount, offsets)

    # MZ06 and temporary assistance.
    share = _per_household([s.rigid_expense_share_bp for s in sets], index)
    gross = result.gross
    whole_fen = gross // UNITS_PER_FEN
    rigid = exceeds_share(result.deductions, share, (whole_fen, gross - whole_fen * UNITS_PER_FEN))
    disposable = np.where(
        batch.rural,
        _per_household([s.rural_disposable_income_fen for s in sets], index),
        _per_household([s.urban_disposable_income_fen for s in sets], index),
    )
    rigid_expense = (
        ~vetoed & ~dibao & ~low_income & ~tekun
        & (per_capita * MONTHS_PER_YEAR < disposable) & rigid
    )
    temporary = batch.recent_hardship_event | rigid
    cap = _per_household([s.temporary_cap_months for s in sets], index) * standard * n
    township = _per_household([s.township_approval_months for s in sets], index) * standard * n
    return ProgramResult(
        vetoed=vetoed,
        dibao=dibao,
        low_income=low_income,
        low_income_line=line,
        tekun_member=qualifies,
        tekun_amount=amount,
        tekun_basic=basic,
        tekun_care=care,
        tekun_unable=unable,
        tekun_supported=supported,
        tekun=tekun,
        tekun_total=tekun_total,
        able_member=able_member,
        rigid_hardship=rigid,
        disposable_income=disposable,
        rigid_expense=rigid_expense,
        temporary=temporary,
        temporary_cap=cap,
        township_limit=township,
        rigid_expense_share_bp=np.broadcast_to(share, vetoed.shape).astype(np.int64),
        parameters=sets,
    )
