"""Parameters compiled to the integers the engine computes with (参数的整数形式).

A :class:`ParameterSet` (decimals from YAML) becomes a :class:`CompiledParameters` of
plain ints in the units of :mod:`jiuzhu.rules.units`; a value that is not exact in those
units (a coefficient of 0.75, a rate of 0.12345) is a defect of the parameter file and
raises :class:`ParameterFileError` rather than being rounded silently.

:class:`ParameterTable` then gives, for a batch of households that may use several
parameter sets (two counties, two years), each value per household: a plain int when
all sets agree (the common case, and the fast one), else an array gathered by set.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .money import scaled_exact, yuan_to_fen
from .parameters import ParameterFileError, ParameterSet
from .units import BASIS_POINTS, POINTS_SCALE, QUANTITY_SCALE, TENTHS
from .vocabulary import HEALTH

HARDSHIP_ITEMS = tuple(
    [f"A{i:02d}" for i in range(1, 16)]
    + [f"B{i:02d}" for i in range(1, 11)]
    + [f"C{i:02d}" for i in range(1, 11)]
)


@dataclass(frozen=True)
class CompiledParameters:
    """One parameter set in engine units. Field names say the unit."""

    standard_urban_fen: int
    standard_rural_fen: int
    min_wage_monthly_fen: int
    rural_disposable_income_fen: int
    casual_work_months: int
    land_income_ratio_bp: int
    support_rate_bp: int
    support_rate_large_assets_bp: int
    financial_assets_months_bp: int
    vehicle_value_limit_fen: int
    machinery_value_limit_fen: int
    housing_guarantee_area_q: int
    livestock_limit_q: int
    commercial_insurance_premium_limit_fen: int
    min_benefit_ratio_bp: int
    low_income_multiplier_bp: int
    addon_elderly_bp: int
    addon_minor_bp: int
    addon_severe_disability_bp: int
    addon_serious_illness_bp: int
    addon_elderly_from: int
    addon_minor_below: int
    labour_age_bands: tuple[int, ...]
    #: tenths, [health][band]; band 0 (below the first age band) is always 0
    labour_table_tenths: tuple[tuple[int, ...], ...]
    job_refusal_age_from: int
    job_refusal_age_to: int
    job_refusal_offers: int
    #: hundredths of a point, in HARDSHIP_ITEMS order (B01: its maximum)
    points: tuple[int, ...]
    cap_a: int
    cap_b: int
    cap_c: int
    age_a01_from: int
    age_a02_from: int
    age_a03_from: int
    age_a04_below: int
    age_a05_from: int
    age_a05_to: int
    age_a14_from: int
    age_elderly_from: int
    b03_labour_per_capita_bp: int
    b04_medical_share_bp: int
    b05_education_share_bp: int
    b06_rigid_share_bp: int
    c03_area_per_capita_q: int
    c05_standard_months_bp: int
    c08_land_per_capita_q: int
    c09_standard_months_bp: int
    c10_standard_months_bp: int

    def points_of(self, code: str) -> int:
        """Points of a hardship item, hundredths."""
        return self.points[HARDSHIP_ITEMS.index(code)]


def _get(params: ParameterSet, name: str, key: str | None = None) -> Any:
    try:
        value = params[name]
        return value if key is None else value[key]
    except (KeyError, TypeError):
        what = name if key is None else f"{name}.{key}"
        raise ParameterFileError(f"county {params.county}: parameter {what} is missing") from None


def _fen(params: ParameterSet, name: str) -> int:
    try:
        return yuan_to_fen(_get(params, name))
    except ValueError as error:
        raise ParameterFileError(f"{name}: {error}") from None


def _scaled(params: ParameterSet, name: str, scale: int, key: str | None = None) -> int:
    try:
        return scaled_exact(
            _get(params, name, key), scale, what=name if key is None else f"{name}.{key}"
        )
    except ValueError as error:
        raise ParameterFileError(str(error)) from None


def _int(params: ParameterSet, name: str, key: str | None = None) -> int:
    return _scaled(params, name, 1, key)


@lru_cache(maxsize=256)
def compile_parameters(params: ParameterSet) -> CompiledParameters:
    """The integer form of a parameter set (cached per set)."""
    bp, q = BASIS_POINTS, QUANTITY_SCALE
    labour = _get(params, "labour_coefficients")
    try:
        bands = tuple(int(b) for b in labour["age_bands"])
        table = tuple(
            (0, *(scaled_exact(c, TENTHS, f"labour_coefficients.{h}") for c in labour[h]))
            for h in HEALTH
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ParameterFileError(f"labour_coefficients: {error}") from None
    if list(bands) != sorted(bands) or any(len(row) != len(bands) + 1 for row in table):
        raise ParameterFileError(
            "labour_coefficients: one coefficient per age band, bands ascending"
        )
    points_raw = _get(params, "hardship_points")
    missing = [code for code in HARDSHIP_ITEMS if code not in points_raw]
    if missing:
        raise ParameterFileError(f"hardship_points: missing {', '.join(missing)}")
    points = tuple(
        scaled_exact(points_raw[c], POINTS_SCALE, f"hardship_points.{c}") for c in HARDSHIP_ITEMS
    )
    return CompiledParameters(
        standard_urban_fen=_fen(params, "dibao_standard_urban"),
        standard_rural_fen=_fen(params, "dibao_standard_rural"),
        min_wage_monthly_fen=_fen(params, "min_wage_monthly"),
        rural_disposable_income_fen=_fen(params, "rural_disposable_income"),
        casual_work_months=_int(params, "casual_work_months"),
        land_income_ratio_bp=_scaled(params, "land_income_ratio", bp),
        support_rate_bp=_scaled(params, "support_rate", bp),
        support_rate_large_assets_bp=_scaled(params, "support_rate_large_assets", bp),
        financial_assets_months_bp=_scaled(params, "financial_assets_months", bp),
        vehicle_value_limit_fen=_fen(params, "vehicle_value_limit"),
        machinery_value_limit_fen=_fen(params, "machinery_value_limit"),
        housing_guarantee_area_q=_scaled(params, "housing_guarantee_area_per_capita", q),
        livestock_limit_q=_scaled(params, "livestock_limit", q),
        commercial_insurance_premium_limit_fen=_fen(params, "commercial_insurance_premium_limit"),
        min_benefit_ratio_bp=_scaled(params, "min_benefit_ratio", bp),
        low_income_multiplier_bp=_scaled(params, "low_income_multiplier", bp),
        addon_elderly_bp=_scaled(params, "addon_rates", bp, "elderly"),
        addon_minor_bp=_scaled(params, "addon_rates", bp, "minor"),
        addon_severe_disability_bp=_scaled(params, "addon_rates", bp, "severe_disability"),
        addon_serious_illness_bp=_scaled(params, "addon_rates", bp, "serious_illness"),
        addon_elderly_from=_int(params, "addon_ages", "elderly_from"),
        addon_minor_below=_int(params, "addon_ages", "minor_below"),
        labour_age_bands=bands,
        labour_table_tenths=table,
        job_refusal_age_from=_int(params, "job_refusal_veto", "age_from"),
        job_refusal_age_to=_int(params, "job_refusal_veto", "age_to"),
        job_refusal_offers=_int(params, "job_refusal_veto", "refused_offers"),
        points=points,
        cap_a=_scaled(params, "hardship_caps", POINTS_SCALE, "A"),
        cap_b=_scaled(params, "hardship_caps", POINTS_SCALE, "B"),
        cap_c=_scaled(params, "hardship_caps", POINTS_SCALE, "C"),
        age_a01_from=_int(params, "hardship_ages", "A01_from"),
        age_a02_from=_int(params, "hardship_ages", "A02_from"),
        age_a03_from=_int(params, "hardship_ages", "A03_from"),
        age_a04_below=_int(params, "hardship_ages", "A04_below"),
        age_a05_from=_int(params, "hardship_ages", "A05_from"),
        age_a05_to=_int(params, "hardship_ages", "A05_to"),
        age_a14_from=_int(params, "hardship_ages", "A14_from"),
        age_elderly_from=_int(params, "hardship_ages", "elderly_from"),
        b03_labour_per_capita_bp=_scaled(params, "hardship_ratios", bp, "B03_labour_per_capita"),
        b04_medical_share_bp=_scaled(params, "hardship_ratios", bp, "B04_medical_share"),
        b05_education_share_bp=_scaled(params, "hardship_ratios", bp, "B05_education_share"),
        b06_rigid_share_bp=_scaled(params, "hardship_ratios", bp, "B06_rigid_share"),
        c03_area_per_capita_q=_scaled(params, "hardship_property", q, "C03_area_per_capita"),
        c05_standard_months_bp=_scaled(params, "hardship_property", bp, "C05_standard_months"),
        c08_land_per_capita_q=_scaled(params, "hardship_property", q, "C08_land_per_capita"),
        c09_standard_months_bp=_scaled(params, "hardship_property", bp, "C09_standard_months"),
        c10_standard_months_bp=_scaled(params, "hardship_property", bp, "C10_standard_months"),
    )


class ParameterTable:
    """Parameter values per household for a batch that uses one or more parameter sets.

    ``table.value("vehicle_value_limit_fen")`` is an int when every set agrees, else an
    int64 array of length H. Hardship points come as int32 (``point``), so that scores add
    up in half the memory. Each value is gathered at most once.
    """

    def __init__(self, compiled: list[CompiledParameters], set_index: np.ndarray):
        self.compiled = compiled
        self.set_index = set_index
        self._cache: dict[str, int | np.integer | np.ndarray] = {}

    def _gather(self, values: list[int], dtype: type[np.integer]) -> int | np.integer | np.ndarray:
        if all(value == values[0] for value in values):
            return values[0] if dtype is np.int64 else dtype(values[0])
        return np.asarray(values, dtype=dtype)[self.set_index]

    def value(self, name: str) -> int | np.ndarray:
        if name not in self._cache:
            self._cache[name] = self._gather([getattr(c, name) for c in self.compiled], np.int64)
        return self._cache[name]  # type: ignore[return-value]

    def point(self, code: str) -> np.int32 | np.ndarray:
        """Points of a hardship item, hundredths (int32)."""
        key = f"points:{code}"
        if key not in self._cache:
            index = _ITEM_INDEX[code]
            self._cache[key] = self._gather([c.points[index] for c in self.compiled], np.int32)
        return self._cache[key]  # type: ignore[return-value]


_ITEM_INDEX = {code: i for i, code in enumerate(HARDSHIP_ITEMS)}
