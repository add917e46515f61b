"""A second, deliberately plain implementation of 10-rules.md for one household dict.

Written from the spec text with Python ``Fraction`` arithmetic and no numpy, sharing
nothing with the engine but the parameter files, so that tests can compare the two on
thousands of households. Slow and obvious on purpose.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jiuzhu.rules.parameters import parameters_for


def F(value: Any) -> Fraction:
    return Fraction(Decimal(str(value)))


def round_half_up(value: Fraction, places: int) -> Decimal:
    """value rounded half up to ``places`` decimals (values here are never negative)."""
    scaled = value * 10**places
    floor = scaled.numerator // scaled.denominator
    rounded = floor + (1 if scaled - floor >= Fraction(1, 2) else 0)
    return Decimal(rounded).scaleb(-places)


def age_on(birth: str, on: str) -> int:
    b, d = date.fromisoformat(birth), date.fromisoformat(on)
    years = d.year - b.year
    if (d.month, d.day) < (b.month, b.day):
        years -= 1
    return years


def coefficient(member: dict[str, Any], age: int, table: dict[str, Any]) -> Fraction:
    if age < 16 or member.get("in_school", False):
        return Fraction(0)
    bands = [int(b) for b in table["age_bands"]]  # 16, 40, 50, 60, 70
    band = sum(1 for b in bands if age >= b) - 1
    return F(table[member["health"]][band])


def reference_result(h: dict[str, Any], exact: dict[str, Any] | None = None) -> dict[str, Any]:
    """The result of 10-rules.md; ``exact``, when given, receives G, D, P, S, the ages and
    the labour coefficients as exact values (for the programmes' reference)."""
    p = parameters_for(h["region_code"][:6], date.fromisoformat(h["assessment_date"]))
    on = h["assessment_date"]
    members = h["members"]
    n = len(members)
    S = F(p["dibao_standard_rural"] if h["area_type"] == "rural" else p["dibao_standard_urban"])
    W, R = F(p["min_wage_monthly"]), F(p["rural_disposable_income"])
    assets = h.get("assets") or {}
    exp = h.get("expenditures") or {}
    flags = h.get("flags") or {}
    supporters = h.get("supporters") or []

    ages = [age_on(m["birth_date"], on) for m in members]
    cs = [coefficient(m, a, p["labour_coefficients"]) for m, a in zip(members, ages, strict=True)]
    G = Fraction(0)
    for m, c in zip(members, cs, strict=True):
        inc = m.get("income") or {}
        wages = F(inc.get("wages", 0))
        occ = m["occupation"]
        if occ == "fixed_employment" or occ in ("student", "retired"):
            earned = wages
        elif occ in ("casual_work", "unemployed", "none"):
            earned = max(wages, c * W * F(p["casual_work_months"]))
        else:  # farming
            earned = wages + c * R * F(p["land_income_ratio"])
        other = sum(
            (F(inc.get(k, 0)) for k in ("business", "property", "transfer", "pension")), Fraction(0)
        )
        G += earned + other
    for s in supporters:
        if s.get("exempt") is None:
            rate = F(p["support_rate_large_assets"] if s.get("large_assets") else p["support_rate"])
            G += rate * F(s["annual_income"]) * len(s["supports"])
    D = sum(
        (F(exp.get(k, 0)) for k in ("medical", "education", "insurance_premiums", "other_rigid")),
        Fraction(0),
    )
    net = max(Fraction(0), G - D)
    P = F(round_half_up(net / 12 / n, 2))
    if exact is not None:
        exact.update(G=G, D=D, P=P, S=S, ages=ages, cs=cs, params=p)

    vetoes = []
    vehicles = assets.get("vehicles") or []
    if any(v["kind"] == "car" and F(v["value"]) > F(p["vehicle_value_limit"]) for v in vehicles):
        vetoes.append("V01")
    if F(assets.get("large_machinery_value", 0)) > F(p["machinery_value_limit"]):
        vetoes.append("V02")
    if assets.get("business_registration"):
        vetoes.append("V03")
    if any(m.get("public_servant") for m in members):
        vetoes.append("V04")
    if F(assets.get("financial_assets", 0)) / n > F(p["financial_assets_months"]) * S:
        vetoes.append("V05")
    area = F(assets.get("housing_area_m2", 0))
    if assets.get("homes_owned", 0) >= 2 and area / n > 2 * F(
        p["housing_guarantee_area_per_capita"]
    ):
        vetoes.append("V06")
    if flags.get("home_purchased_within_12m"):
        vetoes.append("V07")
    if flags.get("private_school_or_abroad"):
        vetoes.append("V08")
    if any(
        16 <= a <= 59 and c > 0 and m.get("refused_job_offers", 0) >= 3
        for m, a, c in zip(members, ages, cs, strict=True)
    ):
        vetoes.append("V09")
    for code, flag in (
        ("V10", "refuses_verification"),
        ("V11", "false_information"),
        ("V12", "asset_transfer_or_split"),
    ):
        if flags.get(flag):
            vetoes.append(code)
    if F(assets.get("livestock_sheep_units", 0)) > F(p["livestock_limit"]):
        vetoes.append("V13")
    if F(assets.get("commercial_insurance_premium_annual", 0)) > F(
        p["commercial_insurance_premium_limit"]
    ):
        vetoes.append("V14")

    eligible = not vetoes and P < S
    top_up = max((S - P) * n, F(p["min_benefit_ratio"]) * S * n)
    rates = p["addon_rates"]
    addon = Fraction(0)
    for m, a in zip(members, ages, strict=True):
        applicable = [Fraction(0)]
        if a >= 70:
            applicable.append(F(rates["elderly"]))
        if a < 18:
            applicable.append(F(rates["minor"]))
        if m["health"] == "severe_disability":
            applicable.append(F(rates["severe_disability"]))
        if m["health"] == "serious_illness":
            applicable.append(F(rates["serious_illness"]))
        addon += max(applicable) * S
    benefit = round_half_up(top_up + addon, 0) if eligible else Decimal(0)

    low_income = F(p["low_income_multiplier"]) * S
    per_capita = P
    if eligible:
        circle = 1
    elif per_capita <= low_income:
        circle = 2
    elif per_capita <= low_income * Fraction(3, 2):
        circle = 3
    elif per_capita <= low_income * 2:
        circle = 4
    else:
        circle = 0

    A = Fraction(0)
    for m, a in zip(members, ages, strict=True):
        level = m.get("school_level", "none")
        A += 2 * (60 <= a <= 69) + 3 * (70 <= a <= 79) + 4 * (a >= 80) + 2 * (a < 6)
        A += 2 * (6 <= a <= 17 and level in ("primary", "junior"))
        A += 3 * (bool(m.get("in_school")) and level in ("senior", "vocational", "university"))
        A += {
            "chronic_illness": 2,
            "serious_illness": 5,
            "mild_disability": 2,
            "moderate_disability": 3,
            "severe_disability": 5,
        }.get(m["health"], 0)
        A += 5 * bool(m.get("orphan_or_unsupported"))
    A += 4 * bool(flags.get("single_parent")) + 4 * (n == 1 and ages[0] >= 60) + 6 * (sum(cs) == 0)

    def share_above(amount: Fraction, share: str) -> bool:
        return amount > F(share) * G

    has_elderly = any(a >= 60 for a in ages)
    B = F(round_half_up(20 * (S - P) / S, 2)) if P < S else Fraction(0)
    B += 3 * all(m["occupation"] != "fixed_employment" for m in members)
    B += 3 * (sum(cs) / n < Fraction(3, 10))
    B += 4 * share_above(F(exp.get("medical", 0)), "0.3") + 3 * share_above(
        F(exp.get("education", 0)), "0.2"
    )
    B += 4 * share_above(D, "0.6")
    B += 2 * (
        has_elderly and not any(F((m.get("income") or {}).get("pension", 0)) > 0 for m in members)
    )
    B += 2 * (has_elderly and all(s.get("exempt") is not None for s in supporters))
    B += 3 * bool(flags.get("recent_hardship_event")) + 2 * (P == 0)

    homes = assets.get("homes_owned", 0)
    fa = F(assets.get("financial_assets", 0))
    debts = F(assets.get("debts", 0))
    rural = h["area_type"] == "rural"
    C = Fraction(5 * (homes == 0) + 4 * bool(assets.get("dilapidated_housing")))
    C += 2 * (homes >= 1 and area / n < 15)
    C += 1 * (not any(v["kind"] in ("car", "commercial_livelihood") for v in vehicles))
    C += 2 * (fa / n < 3 * S) + 1 * (fa == 0)
    C += 1 * (
        rural
        and F(assets.get("livestock_sheep_units", 0)) == 0
        and F(assets.get("large_machinery_value", 0)) == 0
    )
    C += 1 * (rural and F(assets.get("contracted_land_mu", 0)) / n < 1)
    C += 2 * (debts > 12 * S * n) + 1 * (debts > 36 * S * n)
    index = min(A, 40) + min(B, 40) + min(C, 20)

    return {
        "household_id": h["household_id"],
        "program": "dibao",
        "parameters_effective": p.effective.isoformat(),
        "members": n,
        "standard": str(round_half_up(S, 2)),
        "gross_annual_income": str(round_half_up(G, 2)),
        "deductions": str(round_half_up(D, 2)),
        "per_capita_monthly_income": str(round_half_up(P, 2)),
        "vetoes": vetoes,
        "eligible": eligible,
        "benefit_monthly": str(round_half_up(F(benefit), 2)),
        "circle": circle,
        "hardship_index": str(round_half_up(index, 2)),
    }
