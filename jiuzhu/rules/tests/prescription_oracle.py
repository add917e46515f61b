"""The hand-written 大处方 masks as they were before the items became data (issue #16 item 5):
the oracle the conditions of ``jiuzhu/rules/items/conditions.yaml`` are compared with."""

from __future__ import annotations

import numpy as np

from jiuzhu.rules.batch import HouseholdBatch
from jiuzhu.rules.engine import BatchResult, assess_arrays
from jiuzhu.rules.formulas import exceeds_share
from jiuzhu.rules.frame import segment_sum
from jiuzhu.rules.prescription import (
    _HEALTH,
    _OCCUPATION,
    _SCHOOL,
    ASSISTANCE,
    CODES,
    COLUMN,
    DISABILITIES,
    ELIGIBLE,
    HM02_MEDICAL_SHARE_BP,
    JY_LEVELS,
    NOT_ELIGIBLE,
    POSSIBLE,
    RECEIVING,
    PrescriptionArrays,
)
from jiuzhu.rules.programs import CHILD, HEAD, ProgramExtras, programs_arrays
from jiuzhu.rules.units import UNITS_PER_FEN


def oracle_prescription_arrays(
    batch: HouseholdBatch,
    extras: ProgramExtras,
    result: BatchResult | None = None,
    receiving: np.ndarray | None = None,
) -> PrescriptionArrays:
    """Every item's status for every household of the batch.

    ``result`` is ``assess_arrays(batch, detail=True)`` (computed when omitted);
    ``receiving`` an H × 39 bool matrix in :data:`CODES` order (None: nothing received).
    """
    if result is None:
        result = assess_arrays(batch, detail=True)
    assert result.member_detail is not None
    p = programs_arrays(batch, extras, result)
    size = len(batch)
    offsets = batch.member_offsets
    n = result.members
    if receiving is None:
        receiving = np.zeros((size, len(CODES)), dtype=np.bool_)
    receiving = np.asarray(receiving, dtype=np.bool_)

    age = result.member_detail.age
    coefficient = result.member_detail.coefficient
    health, school, occupation = batch.health, batch.school_level, batch.occupation
    in_school = batch.in_school
    single_parent = batch.single_parent
    event = batch.recent_hardship_event

    def anyone(mask: np.ndarray) -> np.ndarray:
        return segment_sum(mask, offsets) > 0

    circle = result.circle
    open_circle = ~p.vetoed & (circle != 0)
    assisted = open_circle & (
        p.dibao | p.low_income | p.tekun
        | receiving[:, [COLUMN[c] for c in ASSISTANCE]].any(axis=1)
    )
    near_poor = open_circle & ((circle == 3) | (circle == 4)) & ~assisted
    helped = assisted | near_poor

    disability = np.isin(health, DISABILITIES)
    serious = health == _HEALTH["serious_illness"]
    working_age = (age >= 16) & (age <= 59)
    masks: dict[str, np.ndarray] = {
        "MZ03": p.tekun_member,
        "WJ02": serious,
        "JY05": in_school & (school == _SCHOOL["university"]),
        "RS01": working_age & (coefficient > 0)
        & np.isin(occupation, [_OCCUPATION[o] for o in ("unemployed", "none", "casual_work")]),
        "RS02": working_age & ~in_school & (occupation != _OCCUPATION["fixed_employment"]),
        "RS03": working_age & (coefficient > 0) & ~in_school,
        "CL01": disability,
        "CL02": health == _HEALTH["severe_disability"],
        "CL03": disability,
        "MZ07": (age < 18) & batch.orphan_or_unsupported,
        "MZ08": age >= 80,
        "MZ09": (age >= 60) & (extras.care_level > 0),
        "FL01": extras.female & (age >= 18) & serious,
        "GH01": occupation == _OCCUPATION["fixed_employment"],
        "GH02": in_school & (school == _SCHOOL["university"]),
        "HS02": in_school & (school != _SCHOOL["none"]),
        "TW01": (age < 18) & in_school,
    }
    for code, levels in JY_LEVELS.items():
        masks[code] = in_school & np.isin(school, [_SCHOOL[level] for level in levels])
    has = {code: anyone(mask) for code, mask in masks.items()}
    minor = anyone(age < 18)

    homeless = batch.homes_owned == 0
    medical = batch.medical > 0
    rural_dilapidated = batch.rural & batch.dilapidated_housing
    whole_fen = result.gross // UNITS_PER_FEN
    medical_share = exceeds_share(
        batch.medical, HM02_MEDICAL_SHARE_BP, (whole_fen, result.gross - whole_fen * UNITS_PER_FEN)
    )
    # WJ03: every member ≥ 49, no member and no supporter with relation child.
    all_older = segment_sum(age < 49, offsets) == 0
    no_child = (segment_sum(extras.relation == CHILD, offsets) == 0) & (
        segment_sum(extras.supporter_child, batch.supporter_offsets) == 0
    )
    # FL02: the first member with relation head is female.
    is_head = extras.relation == HEAD
    heads_so_far = np.cumsum(is_head) - np.repeat(
        np.concatenate([[0], np.cumsum(is_head)])[offsets[:-1]], n
    )
    female_head = anyone(is_head & (heads_so_far == 1) & extras.female)
    mother = single_parent & female_head

    false = np.zeros(size, dtype=np.bool_)
    eligible: dict[str, np.ndarray] = {
        "MZ03": p.tekun, "MZ01": p.dibao, "MZ02": p.low_income, "MZ06": p.rigid_expense,
        "WJ01": assisted & medical, "WJ02": assisted & has["WJ02"],
        "ZJ01": assisted & homeless, "ZJ02": rural_dilapidated & assisted,
        "RS01": assisted & has["RS01"], "RS02": assisted & has["RS02"],
        "CL01": assisted & has["CL01"], "CL02": has["CL02"], "MZ07": has["MZ07"],
        "MZ08": has["MZ08"], "MZ09": assisted & has["MZ09"], "FL02": mother & assisted,
        "GH01": assisted & has["GH01"],
    }
    possible: dict[str, np.ndarray] = {
        "MZ04": p.temporary, "MZ05": event,
        "WJ01": near_poor & medical, "WJ02": has["WJ02"],
        "JY05": has["JY05"], "ZJ01": near_poor & homeless, "ZJ02": rural_dilapidated,
        "ZJ03": homeless & helped, "RS01": near_poor & has["RS01"], "RS03": has["RS03"],
        "CL01": near_poor & has["CL01"], "CL03": has["CL03"],
        "MZ07": minor & single_parent, "MZ09": near_poor & has["MZ09"],
        "WJ03": all_older & no_child, "FL01": has["FL01"], "FL02": mother & near_poor,
        "GH01": near_poor & has["GH01"], "GH02": has["GH02"] & helped,
        "HS01": event & helped, "HM01": event & helped, "HM02": medical_share,
        "HS02": has["HS02"] & helped, "TW01": has["TW01"] & helped,
    }
    for code in JY_LEVELS:
        eligible[code] = assisted & has[code]
        possible[code] = near_poor & has[code]
    eligible_matrix = np.stack([eligible.get(c, false) for c in CODES], axis=1)
    possible_matrix = np.stack([possible.get(c, false) for c in CODES], axis=1)
    status = np.where(
        receiving, RECEIVING,
        np.where(eligible_matrix, ELIGIBLE, np.where(possible_matrix, POSSIBLE, NOT_ELIGIBLE)),
    ).astype(np.int8)
    return PrescriptionArrays(
        status=status, eligible=eligible_matrix, possible=possible_matrix, assisted=assisted,
        near_poor=near_poor, member_masks=masks, programs=p, result=result,
    )
