"""A second, plain implementation of 15-programs.md (one household at a time, Fractions),
written from the spec's text, to compare the vectorised prescription with."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .reference import F, reference_result, round_half_up

DISABILITY = ("mild_disability", "moderate_disability", "severe_disability")


def _yuan(value: Fraction) -> Fraction:
    return F(round_half_up(value, 0))


def reference_prescription(h: dict[str, Any], receiving: set[str] = frozenset()) -> dict[str, Any]:
    x: dict[str, Any] = {}
    base = reference_result(h, x)
    p, G, D, P, S = x["params"], x["G"], x["D"], x["P"], x["S"]
    ages, cs = x["ages"], x["cs"]
    members = h["members"]
    n = len(members)
    flags = h.get("flags") or {}
    assets = h.get("assets") or {}
    exp = h.get("expenditures") or {}
    vetoed = bool(base["vetoes"])
    circle = base["circle"]
    dibao = base["eligible"]
    L = F(p["low_income_multiplier"]) * S

    def share_exceeded(amount: Fraction, share: Fraction) -> bool:
        return amount > 0 if G == 0 else amount > share * G

    # MZ02
    low_income = not vetoed and S <= P <= L
    # MZ03
    unable = [a >= 60 or a < 18 or m["health"] == "severe_disability"
              for m, a in zip(members, ages, strict=True)]
    tekun_members = []
    for k, m in enumerate(members):
        if not (unable[k] and dibao):
            continue
        supported = any(s.get("exempt") is None and m["member_id"] in s["supports"]
                        for s in h.get("supporters") or [])
        blocked = any(j != k and not unable[j] and cs[j] > 0 for j in range(n))
        if supported or blocked:
            continue
        level = m.get("care_level") or "self_care"
        amount = _yuan(F(p["tekun_basic_ratio"]) * S) + _yuan(
            Fraction(str(p[f"care_allowance_{level}"])) * F(p["min_wage_monthly"]))
        tekun_members.append({"member_id": m["member_id"],
                              "monthly_amount": str(round_half_up(amount, 2))})
    tekun = bool(tekun_members)
    # MZ06, temporary
    share = F(p["rigid_expense_share"])
    disposable = F(p["rural_disposable_income"] if h["area_type"] == "rural"
                   else p["urban_disposable_income"])
    rigid = share_exceeded(D, share)
    rigid_expense = (not vetoed and not dibao and not low_income and not tekun
                     and disposable > P * 12 and rigid)
    event = bool(flags.get("recent_hardship_event"))

    assisted = not vetoed and circle != 0 and (
        dibao or low_income or tekun or bool({"MZ01", "MZ02", "MZ03"} & set(receiving)))
    near = not vetoed and circle in (3, 4) and not assisted
    helped = assisted or near

    def some(test: Any) -> bool:
        return any(test(m, a, c) for m, a, c in zip(members, ages, cs, strict=True))

    def school(level: Any) -> Any:
        levels = (level,) if isinstance(level, str) else level
        return lambda m, a, c: m.get("in_school", False) and m.get("school_level", "none") in levels

    medical = F(exp.get("medical", 0))
    homeless = int(assets.get("homes_owned", 0)) == 0
    rural = h["area_type"] == "rural"
    dilapidated = bool(assets.get("dilapidated_housing"))
    serious = some(lambda m, a, c: m["health"] == "serious_illness")
    disability = some(lambda m, a, c: m["health"] in DISABILITY)
    work = some(lambda m, a, c: 16 <= a <= 59 and c > 0
                and m["occupation"] in ("unemployed", "none", "casual_work"))
    care = some(lambda m, a, c: a >= 60 and m.get("care_level") in ("partial", "full"))
    fixed = some(lambda m, a, c: m["occupation"] == "fixed_employment")
    university = some(school("university"))
    heads = [m for m in members if m["relation"] == "head"]
    mother = bool(flags.get("single_parent")) and bool(heads) and int(heads[0]["id_number"][16]) % 2 == 0

    table: dict[str, tuple[bool, bool]] = {
        "MZ03": (tekun, False), "MZ01": (dibao, False), "MZ02": (low_income, False),
        "MZ06": (rigid_expense, False), "MZ04": (False, event or rigid), "MZ05": (False, event),
        "WJ01": (assisted and medical > 0, near and medical > 0),
        "WJ02": (assisted and serious, serious),
        "JY01": (assisted and some(school("preschool")), near and some(school("preschool"))),
        "JY02": (assisted and some(school(("primary", "junior"))),
                 near and some(school(("primary", "junior")))),
        "JY03": (assisted and some(school("senior")), near and some(school("senior"))),
        "JY04": (assisted and some(school("vocational")), near and some(school("vocational"))),
        "JY05": (False, university),
        "ZJ01": (assisted and homeless, near and homeless),
        "ZJ02": (rural and dilapidated and assisted, rural and dilapidated),
        "ZJ03": (False, homeless and helped),
        "RS01": (assisted and work, near and work),
        "RS02": (assisted and some(lambda m, a, c: 16 <= a <= 59 and not m.get("in_school", False)
                                   and m["occupation"] != "fixed_employment"), False),
        "RS03": (False, some(lambda m, a, c: 16 <= a <= 59 and c > 0
                             and not m.get("in_school", False))),
        "CL01": (assisted and disability, near and disability),
        "CL02": (some(lambda m, a, c: m["health"] == "severe_disability"), False),
        "CL03": (False, disability),
        "MZ07": (some(lambda m, a, c: a < 18 and m.get("orphan_or_unsupported", False)),
                 some(lambda m, a, c: a < 18) and bool(flags.get("single_parent"))),
        "MZ08": (some(lambda m, a, c: a >= 80), False),
        "MZ09": (assisted and care, near and care),
        "WJ03": (False, all(a >= 49 for a in ages)
                 and not any(m["relation"] == "child" for m in members)
                 and not any(s.get("relation") == "child" for s in h.get("supporters") or [])),
        "FL01": (False, some(lambda m, a, c: int(m["id_number"][16]) % 2 == 0 and a >= 18
                             and m["health"] == "serious_illness")),
        "FL02": (mother and assisted, mother and near),
        "GH01": (assisted and fixed, near and fixed),
        "GH02": (False, university and helped),
        "HS01": (False, event and helped), "HM01": (False, event and helped),
        "HM02": (False, share_exceeded(medical, Fraction(3, 10))),
        "HS02": (False, some(lambda m, a, c: m.get("in_school", False)
                             and m.get("school_level", "none") != "none") and helped),
        "TW01": (False, some(lambda m, a, c: a < 18 and m.get("in_school", False)) and helped),
        "SF01": (False, False), "SF02": (False, False), "MZ10": (False, False),
        "MZ11": (False, False),
    }
    statuses = {}
    for code, (eligible, possible) in table.items():
        statuses[code] = ("receiving" if code in receiving else "eligible" if eligible
                          else "possible" if possible else "not_eligible")
    return {"statuses": statuses, "tekun_members": tekun_members,
            "assisted": assisted, "near_poor": near}
