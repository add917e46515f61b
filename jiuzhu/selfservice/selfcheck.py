"""我能申请吗: the residents' anonymous self-check, answered by the same rules engine.

A household in ``household.schema.json``'s shape, except that a member may give ``age``
(and ``sex``) in place of ``id_number`` and ``birth_date``, is decided by the 大处方
(:func:`jiuzhu.rules.prescription.prescribe`) and the dibao assessment
(:func:`jiuzhu.assessments.services.what_if`). Nothing is stored: no row is written, no
audit event (the hourly limit per address is kept in the cache, :func:`check_throttled`).

**Likelihood.** The household is decided three times: as declared, with every income at
its low end and with every income at its high end. An exact income's ends are the income
less and plus :data:`MARGIN` (10 %); an income given as a range (the page accepts
"600-1000") has the range's ends. An item is ``likely`` when the engine finds it
eligible in all three, ``unlikely`` when it is not eligible (nor possible) in any,
``perhaps`` otherwise: the engine's "possible" (needs checking at the window), an item
that changes within the incomes' ends (the household is near a line), and the items
decided only on request (legal aid, 殡葬救助…).

**Estimate.** For the two items whose monthly amount the engine computes — MZ01 低保
(the household's monthly benefit) and MZ03 特困 (the members' basic living support) —
``{"low", "high"}`` is the amount with the incomes at their high end (low) and at their
low end (high), "0.00" at an end where the item is not granted; ``null`` for every other
item and for an ``unlikely`` item.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from copy import deepcopy
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.assessments.services import what_if
from jiuzhu.catalogue.selectors import items_in_force
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.rules.prescription import CODES, NAMES, ON_REQUEST, prescribe
from jiuzhu.rules.validation import validate_household
from jiuzhu.rules.vetoes import VETO_LABELS

from .services import RateLimited, money_text

MARGIN = Decimal("0.10")
MAX_AGE = 120
#: Items with a monthly amount the engine computes: code → how to read it.
MONEY_ITEMS = ("MZ01", "MZ03")
LIKELY, PERHAPS, UNLIKELY = "likely", "perhaps", "unlikely"
LIKELIHOODS = (LIKELY, PERHAPS, UNLIKELY)
DISCLAIMER = "结果仅供参考，是否符合条件以经办机构审核认定为准"
HOUSEHOLD_ID = "SELFCHECK"
CENT = Decimal("0.01")


# --- the hourly limit per address (nothing stored: the cache, not the audit table) -------

def check_limit() -> int:
    return int(getattr(settings, "SELF_CHECK_MAX_PER_HOUR", 30))


def _window_key(ip: str) -> str:
    hour = int(timezone.now().timestamp() // 3600)
    return f"selfservice:selfcheck:{ip}:{hour}"


def check_throttled(ip: str | None) -> bool:
    """Count one self-check from ``ip``; True once it made more than the hourly limit.

    The count lives in Django's cache (one fixed one-hour window per address): with the
    default local-memory cache each server process counts on its own."""
    if not ip:
        return False
    key = _window_key(ip)
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        count = 1
    return count > check_limit()


def check_allowed(ip: str | None) -> None:
    if check_throttled(ip):
        raise RateLimited(_("自测次数过多，请一小时后再试"))


# --- members given by age ----------------------------------------------------------------

def _invalid(errors: list[dict[str, str]]) -> ServiceError:
    return ServiceError(ErrorCode.VALIDATION, _("填写的情况有误，请按提示修改"), errors)


def birth_from_age(age: int, on: date) -> date:
    """A birth date making the member ``age`` whole years old on ``on`` (the day before
    the birthday of that year, so the age holds for the year that follows)."""
    try:
        birthday = on.replace(year=on.year - age)
    except ValueError:  # 29 February
        birthday = on.replace(year=on.year - age, day=28)
    return birthday - timedelta(days=1) if age else birthday


def household_from_input(data: Any, *, on: date | None = None) -> dict[str, Any]:
    """The API's body as a household the engine reads: members given by ``age`` get a
    birth date and a made-up ID number (of the county, with the sex digit from ``sex``,
    male when absent); ``household_id`` and ``assessment_date`` (today) may be left out.
    A 422 naming every wrong field otherwise."""
    if not isinstance(data, dict):
        raise _invalid([{"path": "", "message": _("应为对象")}])
    household = deepcopy(data)
    household.setdefault("household_id", HOUSEHOLD_ID)
    on = on or timezone.localdate()
    household.setdefault("assessment_date", on.isoformat())
    with contextlib.suppress(ValueError):  # a wrong date: the validator names it
        on = date.fromisoformat(str(household["assessment_date"]))
    region = household.get("region_code")
    area = region[:6] if isinstance(region, str) and region[:6].isdigit() and len(region) >= 6 \
        else "000000"
    errors: list[dict[str, str]] = []
    members = household.get("members")
    for index, member in enumerate(members if isinstance(members, list) else []):
        if not isinstance(member, dict) or "age" not in member:
            continue
        path = f"members[{index}]"
        age = member.pop("age")
        sex = member.pop("sex", "male")
        if "id_number" in member or "birth_date" in member:
            errors.append({"path": f"{path}.age",
                           "message": _("填写了年龄时不要再填身份证号码和出生日期")})
            continue
        if isinstance(age, bool) or not isinstance(age, int | Decimal | float) \
                or age != int(age) or not 0 <= int(age) <= MAX_AGE:
            errors.append({"path": f"{path}.age",
                           "message": _("年龄应为 0 到 %(max)s 之间的整数") % {"max": MAX_AGE}})
            continue
        if sex not in ("male", "female"):
            errors.append({"path": f"{path}.sex", "message": _("性别应为 male 或 female")})
            continue
        birth = birth_from_age(int(age), on)
        member["birth_date"] = birth.isoformat()
        member["id_number"] = id_number_make(area=area, birth=birth, sequence=index + 1,
                                             female=sex == "female")
    for member in members if isinstance(members, list) else []:
        if isinstance(member, dict) and "sex" in member and "age" not in member:
            member.pop("sex")  # only meaningful with an age; the ID number says it otherwise
    errors += [e.as_dict() for e in validate_household(household)]
    if errors:
        raise _invalid(errors)
    return household


# --- incomes at their ends ---------------------------------------------------------------

def _scaled(value: Any, factor: Decimal) -> Decimal:
    return (Decimal(str(value)) * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def with_incomes(household: dict[str, Any],
                 income: Callable[[int, str, Decimal], Decimal]) -> dict[str, Any]:
    """A copy of ``household`` whose members' yearly incomes are ``income(member index,
    kind, declared)``."""
    copy = deepcopy(household)
    for index, member in enumerate(copy["members"]):
        for kind, value in (member.get("income") or {}).items():
            member["income"][kind] = income(index, kind, Decimal(str(value)))
    return copy


def income_ends(household: dict[str, Any], margin: Decimal = MARGIN
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The household with every income ``margin`` lower, and ``margin`` higher."""
    return (with_incomes(household, lambda _i, _k, v: _scaled(v, 1 - margin)),
            with_incomes(household, lambda _i, _k, v: _scaled(v, 1 + margin)))


# --- the answer ----------------------------------------------------------------------------

_VETO = re.compile(r"V\d\d")


def plain(reason: str) -> str:
    """The engine's reason in a resident's words: veto codes by what they mean, no
    "information circles"."""
    reason = _VETO.sub(lambda m: VETO_LABELS.get(m.group(0), m.group(0)), reason)
    reason = reason.replace("存在一票否决情形", "存在不能享受的情形")
    reason = re.sub(r"处于第[一二三四1-4]信息圈（低收入边缘）", "略高于低保标准（低收入边缘）", reason)
    reason = re.sub(r"，处于第[一二三四0-4]信息圈", "", reason)
    return reason.replace("（劳动力系数大于 0）", "")


def _amount(code: str, entry: dict[str, Any], result: dict[str, Any],
            assessed: dict[str, Any]) -> Decimal:
    if entry["status"] != "eligible":
        return Decimal(0)
    if code == "MZ01":
        return Decimal(str(assessed.get("benefit_monthly") or 0))
    return Decimal(str(result["summary"].get("tekun_monthly_total") or 0))


def selfcheck(household: dict[str, Any], *, poorer: dict[str, Any] | None = None,
              richer: dict[str, Any] | None = None, rough: bool = False,
              names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every catalogue item for ``household`` (valid, as :func:`household_from_input`
    makes it): ``{"item_code", "item_name", "likelihood", "estimate", "reason"}`` in
    the catalogue's order. ``poorer``/``richer``: the household with the incomes at their
    low/high ends (default ± :data:`MARGIN`); ``rough``: the answers were given as ranges
    (an item that changes within them says so)."""
    if poorer is None or richer is None:
        poorer, richer = income_ends(household)
    results = prescribe([household, poorer, richer])
    errors = [e for r in results for e in r.get("errors", [])]
    if errors:
        raise _invalid(errors)
    declared, low_end, high_end = (r["prescription"] for r in results)
    assessed = [what_if(h) for h in (household, poorer, richer)]
    if names is None:
        names = {item.code: item.name for item in items_in_force()}
    out = []
    for column, code in enumerate(CODES):
        entry = declared[column]
        statuses = {entry["status"], low_end[column]["status"], high_end[column]["status"]}
        reason = plain(entry["reason"])
        if code in ON_REQUEST:
            likelihood = PERHAPS
            reason = _("依申请办理：遇到这种情况时可以直接申请，由经办机构按实际情况审核")
        elif statuses == {"eligible"}:
            likelihood = LIKELY
        elif statuses == {"not_eligible"}:
            likelihood = UNLIKELY
        else:
            likelihood = PERHAPS
            if len(statuses) > 1:
                reason += _("；收入在您填写的范围内变动时结果会不同，需要核实") if rough else \
                    _("；收入稍有变动结果就会不同，需要核实")
        estimate = None
        if code in MONEY_ITEMS and likelihood != UNLIKELY:
            # low: the incomes at their high end; high: at their low end (the smallest
            # and largest of the three, which is the same unless an end is odd).
            ends = sorted(_amount(code, rows[column], result, assessed_one)
                          for rows, result, assessed_one in zip(
                              (declared, low_end, high_end), results, assessed, strict=True))
            if ends[-1] > 0:
                estimate = {"low": money_text(ends[0]), "high": money_text(ends[-1])}
        out.append({"item_code": code, "item_name": names.get(code) or NAMES[code],
                    "likelihood": likelihood, "estimate": estimate, "reason": reason})
    return out


def by_likelihood(items: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The answer grouped for the page; the on-request items apart."""
    groups: dict[str, list[dict[str, Any]]] = {key: [] for key in (*LIKELIHOODS, "on_request")}
    for item in items:
        key = "on_request" if item["item_code"] in ON_REQUEST else item["likelihood"]
        groups[key].append(item)
    return groups


# --- the page's answers --------------------------------------------------------------------

RELATIONS_OF_SELF = "head"


def member_label(index: int) -> str:
    return _("您本人") if index == 0 else _("家人%(n)s") % {"n": index + 1}


def _yearly(monthly: Decimal) -> Decimal:
    return (monthly * 12).quantize(CENT)


def household_from_answers(answers: dict[str, Any], members: Sequence[dict[str, Any]], *,
                           on: date | None = None
                           ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], bool]:
    """The page's answers (the forms' cleaned data) as the household the engine reads, the
    same with the incomes at their low and at their high ends, and whether any income was
    given as a range. A member's income is monthly (×12 for the engine's yearly figure);
    an exact one has the ends ± :data:`MARGIN`, a range its own ends, declared as its
    middle."""
    on = on or timezone.localdate()
    rows: list[dict[str, Any]] = []
    ends: list[tuple[Decimal, Decimal] | None] = []
    rough = False
    for index, answer in enumerate(members):
        school = answer.get("school") or "none"
        row: dict[str, Any] = {
            "member_id": f"M{index + 1}", "name": member_label(index),
            "relation": RELATIONS_OF_SELF if index == 0 else (answer.get("relation") or "other"),
            "age": answer["age"], "sex": answer.get("sex") or "male",
            "health": answer.get("health") or "healthy",
            "occupation": answer.get("occupation") or "none",
            "in_school": school != "none", "school_level": school,
        }
        income = answer.get("income")
        if income and income[1] > 0:
            low, high = income
            rough = rough or low != high
            row["income"] = {answer.get("income_source") or "wages":
                             _yearly((low + high) / 2)}
            ends.append((low, high) if low != high else
                        (_scaled(low, 1 - MARGIN), _scaled(low, 1 + MARGIN)))
        else:
            ends.append(None)
        rows.append(row)
    data: dict[str, Any] = {
        "region_code": answers["township"], "area_type": answers["area_type"],
        "assessment_date": on.isoformat(), "members": rows,
        "assets": {"homes_owned": int(answers.get("homes") or 0),
                   "dilapidated_housing": bool(answers.get("dilapidated")),
                   "financial_assets": answers.get("savings") or Decimal(0),
                   "vehicles": ([{"kind": "car", "value": answers.get("car_value") or Decimal(0)}]
                                if answers.get("car") == "car" else [])},
        "expenditures": {"medical": answers.get("medical") or Decimal(0)},
        "flags": {"recent_hardship_event": bool(answers.get("hardship")),
                  "single_parent": bool(answers.get("single_parent"))},
    }
    household = household_from_input(data, on=on)

    def end(which: int) -> Callable[[int, str, Decimal], Decimal]:
        def income(index: int, _kind: str, declared: Decimal) -> Decimal:
            bounds = ends[index]
            return _yearly(bounds[which]) if bounds else declared
        return income

    return household, with_incomes(household, end(0)), with_incomes(household, end(1)), rough


def notes_from_answers(answers: dict[str, Any]) -> str:
    """What the self-check asked and the application form does not, for the window."""
    homes = dict((("0", "无自有住房"), ("1", "自有住房 1 套"), ("2", "自有住房 2 套及以上")))
    parts = [f"存款理财约 {money_text(answers.get('savings') or 0)} 元",
             homes.get(str(answers.get("homes")), "")]
    if answers.get("dilapidated"):
        parts.append("住房为危房")
    if answers.get("car") == "car":
        parts.append(f"有小汽车，约值 {money_text(answers.get('car_value') or 0)} 元")
    if answers.get("medical"):
        parts.append(f"去年自付医疗费约 {money_text(answers['medical'])} 元")
    if answers.get("hardship"):
        parts.append("近期遭遇突发困难")
    if answers.get("single_parent"):
        parts.append("单亲家庭")
    return "（自测时填写）" + "，".join(p for p in parts if p) + "。"


def draft_from_answers(answers: dict[str, Any], members: Sequence[dict[str, Any]],
                       items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The online application's typed-in household step (``draft["raw"]["household"]``,
    as the household page keeps it) and items step, from the self-check's answers: the
    township, each member's relation, health, work and monthly income (the middle of a
    range), the rest as a note; the items found ``likely`` ticked (at most 10). Names and
    ID numbers are left for the resident to type."""
    rows = []
    for index, answer in enumerate(members):
        income = answer.get("income")
        monthly = (income[0] + income[1]) / 2 if income else None
        rows.append({
            "name": "", "id_number": "",
            "relation": "head" if index == 0 else (answer.get("relation") or "other"),
            "health": answer.get("health") or "healthy",
            "occupation": answer.get("occupation") or "none",
            "monthly_income": "" if monthly is None else money_text(monthly.quantize(CENT)),
            "income_source": answer.get("income_source") or "wages",
        })
    likely = [i["item_code"] for i in items if i["likelihood"] == LIKELY][:10]
    return {"household": {"township": answers["township"], "village": "", "address": "",
                          "notes": notes_from_answers(answers), "members": rows},
            "items": likely}
