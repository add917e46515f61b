"""The integer units of the engine (计算单位). Everything is exact integer arithmetic.

| quantity | unit |
|---|---|
| money | fen (分), ``int64`` |
| rates and ratios (support rate, add-on rates, shares, multipliers) | basis points, 1/10 000 |
| labour coefficient c | tenths, 0–10 |
| gross, earned and other income, support | 1/100 000 fen (``UNITS_PER_FEN``): c (1/10) × a rate (1/10 000) × fen |
| area, sheep units, mu | 1/10 000 of the unit, read as floor and ceiling of the exact value |
| hardship points | hundredths of a point |
"""

from __future__ import annotations

BASIS_POINTS = 10_000
TENTHS = 10
UNITS_PER_FEN = TENTHS * BASIS_POINTS
QUANTITY_SCALE = 10_000
POINTS_SCALE = 100
MONTHS_PER_YEAR = 12

#: The fixed factors of the information circles (10-rules.md: "The factors 1.5 and 2 are
#: fixed"), as fractions: circle 3 is P ≤ 3/2 × L, circle 4 is P ≤ 2 × L.
CIRCLE_3_FACTOR = (3, 2)
CIRCLE_4_FACTOR = (2, 1)
#: Veto V06 compares the area per person with twice the guaranteed area (fixed in 10-rules.md).
V06_AREA_FACTOR = 2
