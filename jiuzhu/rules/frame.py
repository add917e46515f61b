"""The working frame of one engine run: the batch, its parameters and what is computed so far.

Veto and hardship-item functions read the quantities they need from a :class:`Frame`
(``f.age``, ``f.per_capita``, ``f.standard``…), the way an OpenFisca formula reads other
variables. The frame also totals member, supporter and vehicle rows per household,
exactly, with one cumulative sum per total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .batch import HouseholdBatch
from .tables import ParameterTable
from .units import UNITS_PER_FEN

if TYPE_CHECKING:
    from .profiles import ProfileTables

Int = int | np.ndarray

#: Bits of ``Frame.member_flags``: some member of the household …
ELDERLY = 1  # … is at least hardship_ages.elderly_from years old (B07, B08)
JOB_REFUSAL = 2  # … of working age and able to work refused enough job offers (V09)
PUBLIC_SERVANT = 4  # … is a public servant (V04)
FIXED_EMPLOYMENT = 8  # … is in fixed employment (B02)
PENSION = 16  # … has a pension (B07)


def segment_sum(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per-segment totals of ``values`` (int64, exact); empty segments total 0.

    A cumulative sum read at the offsets: faster than ``np.add.reduceat`` for many short
    segments, and empty segments need no special case.
    """
    running = np.empty(len(values) + 1, dtype=np.int64)
    running[0] = 0
    np.cumsum(values, dtype=np.int64, out=running[1:])
    return running[offsets[1:]] - running[offsets[:-1]]


def _empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass(eq=False)
class Frame:
    batch: HouseholdBatch
    params: ParameterTable
    tables: ProfileTables
    members: np.ndarray  # n per household, int64
    standard: np.ndarray  # fen, per household
    # filled in by the engine as it goes
    age: np.ndarray = field(default_factory=_empty)  # members
    profile: np.ndarray = field(default_factory=_empty)  # members: index into the profile tables
    coefficient: np.ndarray = field(default_factory=_empty)  # members, tenths
    coefficient_sum: np.ndarray = field(default_factory=_empty)
    member_points: np.ndarray = field(
        default_factory=_empty
    )  # each-member hardship items, hundredths
    member_flags: np.ndarray = field(default_factory=_empty)  # bits above, OR over the members
    gross: np.ndarray = field(default_factory=_empty)
    deductions: np.ndarray = field(default_factory=_empty)
    net: np.ndarray = field(default_factory=_empty)
    per_capita: np.ndarray = field(default_factory=_empty)

    @property
    def size(self) -> int:
        return len(self.members)

    @cached_property
    def gross_in_fen(self) -> tuple[np.ndarray, np.ndarray]:
        """G split into whole fen and the remainder in gross units (see exceeds_share)."""
        whole_fen = self.gross // UNITS_PER_FEN  # a division by a constant: faster than divmod
        return whole_fen, self.gross - whole_fen * UNITS_PER_FEN

    def value(self, name: str) -> Int:
        """A parameter per household (an int when the whole batch shares it)."""
        return self.params.value(name)

    def point(self, code: str) -> np.int32 | np.ndarray:
        """Points of a hardship item per household, hundredths."""
        return self.params.point(code)

    def for_members(self, value: Int) -> Int:
        """A household-level value repeated for each member (ints stay ints)."""
        if isinstance(value, np.ndarray):
            return np.repeat(value, self.members)
        return value

    def for_rows(self, value: Int, offsets: np.ndarray) -> Int:
        """A household-level value repeated for each supporter or vehicle row."""
        if isinstance(value, np.ndarray):
            return np.repeat(value, np.diff(offsets))
        return value

    def members_sum(self, values: np.ndarray) -> np.ndarray:
        return segment_sum(values, self.batch.member_offsets)

    def supporters_sum(self, values: np.ndarray) -> np.ndarray:
        return segment_sum(values, self.batch.supporter_offsets)

    def vehicles_any(self, mask: np.ndarray) -> np.ndarray:
        return segment_sum(mask, self.batch.vehicle_offsets) > 0

    def any_member(self, flag: int) -> np.ndarray:
        """Households where some member has ``flag`` (one of the bits above)."""
        return (self.member_flags & flag) != 0

    def member_item(self, code: str) -> np.ndarray:
        """Per member: does it score the each-member hardship item ``code``."""
        return np.take(self.tables.items[code], self.profile)
