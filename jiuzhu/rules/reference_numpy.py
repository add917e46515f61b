"""A straightforward numpy implementation of 10-rules.md, for ``jiuzhu bench assess``.

The yardstick the engine (:mod:`jiuzhu.rules.engine`) is timed against in the same run: the
same rules in the same exact integer units, written the obvious way — every parameter
gathered per household (and repeated per member), every formula a fresh array, segment
sums by cumulative sums, no member-profile tables, no chunks, no threads. Only the
parameter look-up and the exact share comparison (:func:`formulas.exceeds_share`) are
shared with the engine. Its results must equal the engine's (the benchmark checks it).
"""

from __future__ import annotations

import numpy as np

from . import vocabulary as v
from .batch import HouseholdBatch
from .engine import resolve_parameter_sets
from .formulas import exceeds_share
from .tables import HARDSHIP_ITEMS, compile_parameters
from .units import BASIS_POINTS, TENTHS, UNITS_PER_FEN

_H = {name: i for i, name in enumerate(v.HEALTH)}
_O = {name: i for i, name in enumerate(v.OCCUPATIONS)}
_S = {name: i for i, name in enumerate(v.SCHOOL_LEVELS)}


def _segment_sum(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    total = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
    return total[offsets[1:]] - total[offsets[:-1]]


def _half_up(numerator: np.ndarray, denominator: np.ndarray | int) -> np.ndarray:
    return (2 * numerator + denominator) // (2 * denominator)


def reference_arrays(batch: HouseholdBatch) -> dict[str, np.ndarray]:
    """``eligible``, ``benefit``, ``per_capita``, ``circle``, ``index`` and ``vetoes`` of
    every household, as :func:`jiuzhu.rules.engine.assess_arrays` computes them."""
    b = batch
    sets, set_index = resolve_parameter_sets(b.county, b.assessment_date)
    compiled = [compile_parameters(s) for s in sets]

    def p(name: str) -> np.ndarray:
        return np.asarray([getattr(c, name) for c in compiled], dtype=np.int64)[set_index]

    def point(code: str) -> np.ndarray:
        k = HARDSHIP_ITEMS.index(code)
        return np.asarray([c.points[k] for c in compiled], dtype=np.int64)[set_index]

    n = b.member_count.astype(np.int64)
    owner = np.repeat(np.arange(len(b)), n)
    m_off, s_off, w_off = b.member_offsets, b.supporter_offsets, b.vehicle_offsets
    s_owner = np.repeat(np.arange(len(b)), np.diff(s_off))
    w_owner = np.repeat(np.arange(len(b)), np.diff(w_off))

    def any_member(mask: np.ndarray) -> np.ndarray:
        return _segment_sum(mask.astype(np.int64), m_off) > 0

    standard = np.where(b.rural, p("standard_rural_fen"), p("standard_urban_fen"))

    # members: age and labour coefficient (tenths) by health and age band
    age = (b.assessment_date[owner].astype(np.int64) - b.birth_date) // 10000
    bands = np.asarray([c.labour_age_bands for c in compiled], dtype=np.int64)[set_index][owner]
    band = (age[:, None] >= bands).sum(axis=1)
    table = np.asarray([c.labour_table_tenths for c in compiled], dtype=np.int64)
    coefficient = table[set_index[owner], b.health, band] * ~b.in_school

    # income, in 1/100 000 fen
    occupation = b.occupation
    casual = np.isin(occupation, [_O["casual_work"], _O["unemployed"], _O["none"]])
    farming = occupation == _O["farming"]
    imputed_casual = (coefficient * p("min_wage_monthly_fen")[owner] * p("casual_work_months")[owner]
                      * BASIS_POINTS * casual)
    imputed_land = (coefficient * p("rural_disposable_income_fen")[owner]
                    * p("land_income_ratio_bp")[owner] * farming)
    wages = b.wages * UNITS_PER_FEN
    earned = np.maximum(wages, imputed_casual) + imputed_land
    other = (b.business + b.property + b.transfer + b.pension) * UNITS_PER_FEN
    rate = np.where(b.supporter_large_assets, p("support_rate_large_assets_bp")[s_owner],
                    p("support_rate_bp")[s_owner])
    support = rate * b.supporter_income * b.supporter_count * TENTHS * ~b.supporter_exempt
    gross = _segment_sum(earned + other, m_off) + _segment_sum(support, s_off)
    deductions = b.medical + b.education + b.insurance_premiums + b.other_rigid
    net = np.maximum(gross - deductions * UNITS_PER_FEN, 0)
    per_capita = _half_up(net, 12 * UNITS_PER_FEN * n)

    # vetoes V01–V14
    refusing = ((age >= p("job_refusal_age_from")[owner]) & (age <= p("job_refusal_age_to")[owner])
                & (coefficient > 0) & (b.refused_job_offers >= p("job_refusal_offers")[owner]))
    car = (b.vehicle_kind == v.VEHICLE_KINDS.index("car")) & (
        b.vehicle_value > p("vehicle_value_limit_fen")[w_owner])
    fired = [
        _segment_sum(car.astype(np.int64), w_off) > 0,
        b.large_machinery_value > p("machinery_value_limit_fen"),
        b.business_registration,
        any_member(b.public_servant),
        b.financial_assets * BASIS_POINTS > p("financial_assets_months_bp") * standard * n,
        (b.homes_owned >= 2) & (b.housing_area_ceil > 2 * p("housing_guarantee_area_q") * n),
        b.home_purchased_within_12m,
        b.private_school_or_abroad,
        any_member(refusing),
        b.refuses_verification,
        b.false_information,
        b.asset_transfer_or_split,
        b.livestock_ceil > p("livestock_limit_q"),
        b.commercial_insurance_premium > p("commercial_insurance_premium_limit_fen"),
    ]
    vetoes = np.zeros(len(b), dtype=np.uint16)
    for bit, mask in enumerate(fired):
        vetoes |= mask.astype(np.uint16) << bit

    # decision, amount, circle
    eligible = (vetoes == 0) & (per_capita < standard)
    top_up = np.maximum((standard - per_capita) * n * BASIS_POINTS,
                        p("min_benefit_ratio_bp") * standard * n)
    addon_rate = np.maximum.reduce([
        np.where(age >= p("addon_elderly_from")[owner], p("addon_elderly_bp")[owner], 0),
        np.where(age < p("addon_minor_below")[owner], p("addon_minor_bp")[owner], 0),
        np.where(b.health == _H["severe_disability"], p("addon_severe_disability_bp")[owner], 0),
        np.where(b.health == _H["serious_illness"], p("addon_serious_illness_bp")[owner], 0),
    ])
    addon = _segment_sum(addon_rate, m_off) * standard
    benefit = _half_up(top_up + addon, 100 * BASIS_POINTS) * 100 * eligible
    low = p("low_income_multiplier_bp") * standard
    scaled = per_capita * BASIS_POINTS
    circle = np.select([eligible, scaled <= low, 2 * scaled <= 3 * low, scaled <= 2 * low],
                       [1, 2, 3, 4], 0).astype(np.int8)

    # hardship index, hundredths of a point
    def members_points(code: str, mask: np.ndarray) -> np.ndarray:
        return _segment_sum(mask.astype(np.int64), m_off) * point(code)

    level = b.school_level
    coefficient_sum = _segment_sum(coefficient, m_off)
    elderly = any_member(age >= p("age_elderly_from")[owner])
    a = (members_points("A01", (age >= p("age_a01_from")[owner]) & (age < p("age_a02_from")[owner]))
         + members_points("A02", (age >= p("age_a02_from")[owner]) & (age < p("age_a03_from")[owner]))
         + members_points("A03", age >= p("age_a03_from")[owner])
         + members_points("A04", age < p("age_a04_below")[owner])
         + members_points("A05", (age >= p("age_a05_from")[owner]) & (age <= p("age_a05_to")[owner])
                          & np.isin(level, [_S["primary"], _S["junior"]]))
         + members_points("A06", b.in_school
                          & np.isin(level, [_S["senior"], _S["vocational"], _S["university"]]))
         + members_points("A07", b.health == _H["chronic_illness"])
         + members_points("A08", b.health == _H["serious_illness"])
         + members_points("A09", b.health == _H["mild_disability"])
         + members_points("A10", b.health == _H["moderate_disability"])
         + members_points("A11", b.health == _H["severe_disability"])
         + members_points("A13", b.orphan_or_unsupported)
         + point("A12") * b.single_parent
         + point("A14") * ((n == 1) & (age[m_off[:-1]] >= p("age_a14_from")))
         + point("A15") * (coefficient_sum == 0))
    g = (gross // UNITS_PER_FEN, gross % UNITS_PER_FEN)
    paying = _segment_sum((~b.supporter_exempt).astype(np.int64), s_off)
    bb = (_half_up(point("B01") * np.maximum(standard - per_capita, 0), standard)
          + point("B02") * ~any_member(occupation == _O["fixed_employment"])
          + point("B03") * (coefficient_sum * (BASIS_POINTS // TENTHS)
                            < p("b03_labour_per_capita_bp") * n)
          + point("B04") * exceeds_share(b.medical, p("b04_medical_share_bp"), g)
          + point("B05") * exceeds_share(b.education, p("b05_education_share_bp"), g)
          + point("B06") * exceeds_share(deductions, p("b06_rigid_share_bp"), g)
          + point("B07") * (elderly & ~any_member(b.pension > 0))
          + point("B08") * (elderly & (paying == 0))
          + point("B09") * b.recent_hardship_event
          + point("B10") * (per_capita == 0))
    own_vehicle = np.isin(b.vehicle_kind, [v.VEHICLE_KINDS.index("car"),
                                           v.VEHICLE_KINDS.index("commercial_livelihood")])
    c = (point("C01") * (b.homes_owned == 0)
         + point("C02") * b.dilapidated_housing
         + point("C03") * ((b.homes_owned >= 1)
                           & (b.housing_area_floor < p("c03_area_per_capita_q") * n))
         + point("C04") * (_segment_sum(own_vehicle.astype(np.int64), w_off) == 0)
         + point("C05") * (b.financial_assets * BASIS_POINTS < p("c05_standard_months_bp") * standard * n)
         + point("C06") * (b.financial_assets == 0)
         + point("C07") * (b.rural & (b.livestock_ceil == 0) & (b.large_machinery_value == 0))
         + point("C08") * (b.rural & (b.land_floor < p("c08_land_per_capita_q") * n))
         + point("C09") * (b.debts * BASIS_POINTS > p("c09_standard_months_bp") * standard * n)
         + point("C10") * (b.debts * BASIS_POINTS > p("c10_standard_months_bp") * standard * n))
    index = (np.minimum(a, p("cap_a")) + np.minimum(bb, p("cap_b")) + np.minimum(c, p("cap_c")))
    return {"eligible": eligible, "benefit": benefit, "per_capita": per_capita,
            "circle": circle, "index": index, "vetoes": vetoes}
