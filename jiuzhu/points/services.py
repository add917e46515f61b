"""Writes of the points ledger (公益积分) and the charity supermarket (慈善爱心超市).

Every function checks who acts and what they gave first and changes nothing when it
refuses; then it locks the rows involved (accounts and goods, ``select_for_update`` in
primary-key order), re-reads balances and stocks under the lock, refuses when a balance or
a stock would go below zero, writes the entry / moves, keeps ``balance``/``stock`` in step
and writes one audit event — all in one transaction.

``issue_for_service`` is called by 幸福云 (xingfu) when a service order is confirmed::

    issue_for_service(actor=grid_worker, order_id=order.pk, provider_key=f"provider:{p.pk}",
                      provider_name=p.name, volunteer_user=p.user, region=household.region,
                      minutes=95)   # → 3 half hours → 15 points (10 per hour)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.choices import AuditAction
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM, require, sees_everything, visible_path
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.models import Household
from jiuzhu.regions.choices import RegionLevel
from jiuzhu.regions.models import Region

from .choices import AccountKind, EntryKind, MoveKind
from .models import Good, PointAccount, PointEntry, Redemption, StockMove

#: Demo rate: 10 points per hour of confirmed service, counted in whole half hours.
DEFAULT_POINTS_PER_HOUR = 10
#: A typo guard on amounts, quantities and prices.
MAX_POINTS = 1_000_000
MAX_QUANTITY = 100_000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _refuse(errors: list[dict[str, str]], code: ErrorCode = ErrorCode.VALIDATION) -> None:
    if errors:
        raise ServiceError(code, errors[0]["message"] if len(errors) == 1
                           else "；".join(e["message"] for e in errors), errors)


def _error(errors: list[dict[str, str]], path: str, message: str) -> None:
    errors.append({"path": path, "message": message})


def _positive(errors: list[dict[str, str]], path: str, value: Any, message: str,
              maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        _error(errors, path, message)
        return 0
    if value > maximum:
        _error(errors, path, _("不能超过 %(max)s") % {"max": maximum})
        return 0
    return value


def _on(errors: list[dict[str, str]], on: Any) -> date:
    today = timezone.localdate()
    if on is None:
        return today
    if not isinstance(on, date):
        _error(errors, "on", _("请填写日期"))
        return today
    if on > today:
        _error(errors, "on", _("日期不能晚于今天"))
    return on


# --- Ledgers and accounts ---------------------------------------------------------------------


def county_of(region: Region) -> Region:
    """The county whose ledger holds the points of ``region`` (its own county)."""
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        raise ServiceError(ErrorCode.VALIDATION, _("积分按县记账，请选择县及以下的区划"),
                           [{"path": "region", "message": _("积分按县记账，请选择县及以下的区划")}])
    if region.level == RegionLevel.COUNTY:
        return region
    return Region.objects.get(code=region.county_code)


def points_per_hour(county: Region) -> int:
    """The county's rate (``settings.POINTS_PER_HOUR_BY_COUNTY[code]``, else
    ``settings.POINTS_PER_HOUR``, else 10)."""
    by_county = getattr(settings, "POINTS_PER_HOUR_BY_COUNTY", {}) or {}
    return int(by_county.get(county.code, getattr(settings, "POINTS_PER_HOUR",
                                                  DEFAULT_POINTS_PER_HOUR)))


def points_for_minutes(minutes: int, rate_per_hour: int = DEFAULT_POINTS_PER_HOUR) -> int:
    """Whole half hours × half the hourly rate: 95 minutes → 3 half hours → 15 points."""
    return (max(minutes, 0) // 30) * rate_per_hour // 2


def _account(ledger: Region, holder_key: str, **defaults: Any) -> PointAccount:
    account, _created = PointAccount.objects.get_or_create(
        ledger=ledger, holder_key=holder_key, defaults=defaults)
    return account


def system_account(ledger: Region, kind: str) -> PointAccount:
    """The ledger's 积分发放 (``issuer``) or 兑换核销 (``redeemed``) account."""
    names = {AccountKind.ISSUER: _("积分发放"), AccountKind.REDEEMED: _("兑换核销")}
    return _account(ledger, str(kind), kind=kind,
                    name=f"{ledger.name}{names[AccountKind(kind)]}",
                    region=ledger, region_path=ledger.path)


def volunteer_account(ledger: Region, *, provider_key: str, name: str = "",
                      user: Any = None) -> PointAccount:
    """A volunteer's (志愿者/服务商) account in the ledger, opened on first use; in the
    volunteer user's region when it lies in the county, else at the county."""
    region = ledger
    user_region = getattr(user, "region", None) if getattr(user, "pk", None) else None
    if user_region is not None and user_region.path.startswith(ledger.path):
        region = user_region
    name = name or (getattr(user, "full_name", "") if user is not None else "") or provider_key
    return _account(ledger, provider_key, kind=AccountKind.VOLUNTEER, name=name,
                    user=_user(user), region=region, region_path=region.path)


def family_account(household: Any) -> PointAccount:
    """A family's account, in the household's region, opened on first use."""
    ledger = county_of(household.region)
    name = household.head_name or household.household_id
    return _account(ledger, f"household:{household.pk}", kind=AccountKind.FAMILY,
                    name=_("%(name)s家") % {"name": name}, household=household,
                    region=household.region, region_path=household.region_path)


def _lock_accounts(*accounts: PointAccount) -> None:
    ids = sorted({a.pk for a in accounts})
    fresh = {a.pk: a.balance for a in
             PointAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    for account in accounts:
        account.balance = fresh[account.pk]


def short_of_points(account: PointAccount, amount: int, path: str = "amount") -> dict[str, str]:
    return {"path": path, "message": _("%(name)s积分余额 %(balance)s，不足 %(amount)s") % {
        "name": account.name, "balance": account.balance, "amount": amount}}


def _move(kind: str, debit: PointAccount, credit: PointAccount, amount: int, *, actor: Any,
          on: date, region_path: str, **fields: Any) -> PointEntry:
    """Write one entry under the two accounts' locks (the caller's transaction)."""
    _lock_accounts(debit, credit)
    if not debit.is_system and debit.balance < amount:
        raise ServiceError(ErrorCode.INSUFFICIENT_FUNDS, short_of_points(debit, amount)["message"],
                           [short_of_points(debit, amount)], extra={"balance": debit.balance})
    debit.balance -= amount
    credit.balance += amount
    debit.save(update_fields=["balance"])
    credit.save(update_fields=["balance"])
    return PointEntry.objects.create(kind=kind, debit=debit, credit=credit, amount=amount,
                                     on=on, region_path=region_path, ledger_id=debit.ledger_id,
                                     created_by=_user(actor), **fields)


def _audit(actor: Any, obj: Any, step: str, **detail: Any) -> None:
    audit_record(actor=actor, action=AuditAction.CREATE, obj=obj, detail={"step": step, **detail})


# --- Issue, transfer --------------------------------------------------------------------------


def issue_for_service(*, actor: Any = SYSTEM, order_id: int, provider_key: str = "",
                      region: Region | None = None, minutes: int | None = None,
                      volunteer_user: Any = None, provider_name: str = "",
                      on: date | None = None, provider: Any = None,
                      hours_half: int | None = None) -> PointEntry | None:
    """Issue the points of one confirmed service order to its volunteer/provider's account
    (积分发放 → volunteer). Idempotent per order: a second call for the same ``order_id``
    changes nothing and returns the first entry. ``minutes`` counts in whole half hours at
    the county's rate (95 → 15 points at 10 per hour); under half an hour → no entry,
    ``None``. ``provider_key`` names the provider uniquely in the county (``provider:<id>``);
    ``region`` is where the service took place (the household's region). The caller (the
    order's confirmation) has checked who confirms; this function trusts it.

    Also accepted (the design's spelling): ``provider=`` a provider object (its ``pk``,
    ``name`` and ``user`` give ``provider_key``, ``provider_name`` and ``volunteer_user``;
    its ``region`` the region when none is given) and ``hours_half=`` the whole half hours
    instead of ``minutes``."""
    if provider is not None:
        provider_key = provider_key or f"provider:{provider.pk}"
        provider_name = provider_name or str(getattr(provider, "name", "") or "")
        volunteer_user = volunteer_user or getattr(provider, "user", None)
        if region is None:
            region = getattr(provider, "region", None)
    if region is None and volunteer_user is not None:
        region = getattr(volunteer_user, "region", None)
    if minutes is None and isinstance(hours_half, int) and not isinstance(hours_half, bool):
        minutes = hours_half * 30
    errors: list[dict[str, str]] = []
    if isinstance(order_id, bool) or not isinstance(order_id, int) or order_id <= 0:
        _error(errors, "order_id", _("积分发放须对应一张已确认的服务订单"))
    if not isinstance(provider_key, str) or not provider_key.strip():
        _error(errors, "provider_key", _("请指明服务提供者"))
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        _error(errors, "minutes", _("服务时长应为不小于 0 的分钟数"))
    if not isinstance(region, Region):
        _error(errors, "region", _("请指明服务所在区划"))
    day = _on(errors, on)
    _refuse(errors)
    assert isinstance(region, Region) and isinstance(minutes, int)
    existing = PointEntry.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    ledger = county_of(region)
    amount = points_for_minutes(minutes, points_per_hour(ledger))
    if amount <= 0:
        return None
    with transaction.atomic():
        issuer = system_account(ledger, AccountKind.ISSUER)
        account = volunteer_account(ledger, provider_key=provider_key.strip(),
                                    name=provider_name, user=volunteer_user)
        entry = _move(EntryKind.ISSUE, issuer, account, amount, actor=actor, on=day,
                      region_path=region.path, order_id=order_id, minutes=minutes,
                      note=_("服务订单 %(order)s，%(half)s 个半小时") % {
                          "order": order_id, "half": minutes // 30})
        _audit(actor, entry, "issue", order=order_id, points=amount, account=account.name)
    return entry


def _get_account(value: Any, path: str, errors: list[dict[str, str]]) -> PointAccount | None:
    if isinstance(value, PointAccount):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        account = PointAccount.objects.select_related("ledger").filter(pk=value).first()
        if account is not None:
            return account
    _error(errors, path, _("积分账户不存在"))
    return None


#: ``fn(account) -> household pks`` a volunteer's account served: a confirmed 幸福云 order
#: for the household. Registered by xingfu in its ``ready()`` (points imports no flow app).
_SERVED: list[Callable[[PointAccount], set[int]]] = []


def register_served_families(fn: Callable[[PointAccount], set[int]]) -> None:
    if fn not in _SERVED:
        _SERVED.append(fn)


def served_household_ids(account: PointAccount) -> set[int]:
    """The households the volunteer of ``account`` served (a confirmed service order)."""
    served: set[int] = set()
    for fn in _SERVED:
        served |= fn(account)
    return served


def served_families(account: PointAccount) -> list[Household]:
    """The families a volunteer may give points to (转赠): those they served, in the
    account's county, by region and name (what the choice list shows: name and village)."""
    ids = served_household_ids(account)
    if not ids:
        return []
    return [h for h in Household.objects.filter(pk__in=ids).select_related("region")
            .order_by("region__path", "head_name", "pk")
            if county_of(h.region) == account.ledger]


def transfer(*, actor: Any, source: Any, target: Any, amount: int, note: str = "",
             on: date | None = None) -> PointEntry:
    """转赠: a volunteer gives ``amount`` of their points to a family they served (a
    confirmed 幸福云 order for the household) of the same county. ``target``: the family's
    account (or its id), or the ``Household`` (its account is opened in the same
    transaction). The volunteer themself (their own account) or counter staff of the
    volunteer's region; refused, changing nothing and naming the field, for a family the
    volunteer did not serve or when the volunteer is short (the message names the balance)."""
    errors: list[dict[str, str]] = []
    src = _get_account(source, "source", errors)
    household = target if isinstance(target, Household) else None
    dst = None if household is not None else _get_account(target, "target", errors)
    amount = _positive(errors, "amount", amount, _("转赠积分应为正整数"), MAX_POINTS)
    day = _on(errors, on)
    _refuse(errors)
    assert src is not None and (dst is not None or household is not None)
    target_path = household.region_path if household is not None else dst.region_path  # type: ignore[union-attr]
    own = getattr(actor, "pk", None) is not None and src.user_id == actor.pk
    if own and not sees_everything(actor):
        if not actor.has_perm("points.give_own"):
            raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能办理此事项"))
    else:
        require(actor, src.region_path, "points.transfer", what=_("积分账户"))
        require(actor, target_path, "points.transfer", what=_("积分账户"))
    if src.kind != AccountKind.VOLUNTEER:
        _error(errors, "source", _("只能从志愿者的积分账户转赠"))
    if household is not None:
        if county_of(household.region) != src.ledger:
            _error(errors, "target", _("只能转赠给本县的家庭"))
        family_id: int | None = household.pk
    else:
        assert dst is not None
        family_id = dst.household_id
        if dst.kind != AccountKind.FAMILY:
            _error(errors, "target", _("只能转赠给困难家庭"))
        elif dst.ledger_id != src.ledger_id:
            _error(errors, "target", _("只能转赠给本县的家庭"))
    if not errors and (family_id is None or family_id not in served_household_ids(src)):
        _error(errors, "target", _("只能转赠给您服务过的家庭（有已确认的幸福云服务）"))
    _refuse(errors)
    text = note.strip() if isinstance(note, str) else ""
    with transaction.atomic():
        if household is not None:
            dst = family_account(household)
        assert dst is not None
        entry = _move(EntryKind.TRANSFER, src, dst, amount, actor=actor, on=day,
                      region_path=dst.region_path, note=text[:200])
        _audit(actor, entry, "transfer", points=amount, source=src.name, target=dst.name)
    return entry


# --- The supermarket --------------------------------------------------------------------------


def _text(errors: list[dict[str, str]], path: str, value: Any, message: str,
          max_length: int = 100) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        _error(errors, path, message)
    elif len(text) > max_length:
        _error(errors, path, _("不能超过 %(max)s 个字") % {"max": max_length})
    return text


def add_good(*, actor: Any, region: Region, name: str, price: int, unit: str = "件") -> Good:
    """A new good of the supermarket of ``region`` (no stock yet: donations and purchases
    add it)."""
    errors: list[dict[str, str]] = []
    name = _text(errors, "name", name, _("请填写物品名称"))
    unit = _text(errors, "unit", unit, _("请填写单位"), 16)
    price = _positive(errors, "price", price, _("兑换积分应为正整数"), MAX_POINTS)
    if not isinstance(region, Region):
        _error(errors, "region", _("请选择超市所在区划"))
    _refuse(errors)
    require(actor, region.path, "points.manage_goods", what=_("爱心超市"))
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        raise ServiceError(ErrorCode.VALIDATION, _("积分按县记账，请选择县及以下的区划"),
                           [{"path": "region", "message": _("积分按县记账，请选择县及以下的区划")}])
    if Good.objects.filter(region=region, name=name).exists():
        message = _("本超市已有物品“%(name)s”") % {"name": name}
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "name", "message": message}])
    with transaction.atomic():
        good = Good.objects.create(region=region, region_path=region.path, name=name,
                                   unit=unit, price=price)
        _audit(actor, good, "add_good", name=name, price=price)
    return good


def set_price(*, actor: Any, good: Good, price: int) -> Good:
    """Change a good's points price (the redemptions already made keep theirs)."""
    errors: list[dict[str, str]] = []
    price = _positive(errors, "price", price, _("兑换积分应为正整数"), MAX_POINTS)
    _refuse(errors)
    require(actor, good.region_path, "points.manage_goods", what=_("物品"))
    with transaction.atomic():
        locked = Good.objects.select_for_update().get(pk=good.pk)
        old = locked.price
        locked.price = price
        locked.save(update_fields=["price"])
        good.price = price
        _audit(actor, locked, "set_price", name=locked.name, old=old, new=price)
    return locked


def donate_goods(*, actor: Any, good: Good, quantity: int, donor: str = "",
                 kind: str = MoveKind.DONATION, on: date | None = None) -> StockMove:
    """Stock in: a donation in kind (捐赠入库, with its donor) or a purchase (采购入库)."""
    errors: list[dict[str, str]] = []
    quantity = _positive(errors, "quantity", quantity, _("数量应为正整数"), MAX_QUANTITY)
    if kind not in (MoveKind.DONATION, MoveKind.PURCHASE):
        _error(errors, "kind", _("入库类别有误"))
    donor_text = donor.strip() if isinstance(donor, str) else ""
    if kind == MoveKind.DONATION and not donor_text:
        _error(errors, "donor", _("请填写捐赠人"))
    elif len(donor_text) > 100:
        _error(errors, "donor", _("不能超过 %(max)s 个字") % {"max": 100})
    day = _on(errors, on)
    _refuse(errors)
    require(actor, good.region_path, "points.run_counter", what=_("物品"))
    with transaction.atomic():
        locked = Good.objects.select_for_update().get(pk=good.pk)
        locked.stock += quantity
        locked.save(update_fields=["stock"])
        good.stock = locked.stock
        move = StockMove.objects.create(good=locked, kind=kind, quantity=quantity,
                                        donor=donor_text, on=day,
                                        region_path=locked.region_path, created_by=_user(actor))
        _audit(actor, move, str(kind), name=locked.name, quantity=quantity, donor=donor_text)
    return move


def _lines(errors: list[dict[str, str]], lines: Any) -> list[tuple[int, int]]:
    """``[(good id, quantity)]`` from ``[(good or id, quantity)]`` or ``[{"good", "quantity"}]``,
    each good once."""
    out: list[tuple[int, int]] = []
    if not isinstance(lines, Iterable) or isinstance(lines, (str, bytes, dict)):
        _error(errors, "lines", _("请选择要兑换的物品"))
        return out
    for i, line in enumerate(lines):
        good, quantity = (line.get("good"), line.get("quantity")) if isinstance(line, dict) \
            else (tuple(line) + (None, None))[:2]
        good_id = good.pk if isinstance(good, Good) else good
        if isinstance(good_id, bool) or not isinstance(good_id, int):
            _error(errors, f"lines[{i}].good", _("请选择物品"))
            continue
        qty = _positive(errors, f"lines[{i}].quantity", quantity, _("数量应为正整数"),
                        MAX_QUANTITY)
        if any(g == good_id for g, _q in out):
            _error(errors, f"lines[{i}].good", _("同一物品请只列一行"))
        elif qty:
            out.append((good_id, qty))
    if not out and not errors:
        _error(errors, "lines", _("请选择要兑换的物品"))
    return out


def redeem(*, actor: Any, account: Any, lines: Any, on: date | None = None) -> Redemption:
    """兑换: a family's (or a volunteer's) points for goods of one supermarket, points and stock
    in one transaction; refused, changing nothing, when the points or any good's stock is
    short (the message names what is short)."""
    errors: list[dict[str, str]] = []
    holder = _get_account(account, "account", errors)
    wanted = _lines(errors, lines)
    day = _on(errors, on)
    _refuse(errors)
    assert holder is not None
    goods = {g.pk: g for g in Good.objects.filter(pk__in=[g for g, _q in wanted])}
    for i, (good_id, _q) in enumerate(wanted):
        if good_id not in goods or not goods[good_id].active:
            _error(errors, f"lines[{i}].good", _("物品不存在或已下架"))
    _refuse(errors)
    regions = {g.region_id for g in goods.values()}
    if len(regions) != 1:
        raise ServiceError(ErrorCode.VALIDATION, _("一张兑换单只能兑换同一个超市的物品"),
                           [{"path": "lines", "message": _("一张兑换单只能兑换同一个超市的物品")}])
    first = next(iter(goods.values()))
    require(actor, first.region_path, "points.run_counter", what=_("爱心超市"))
    if holder.kind not in (AccountKind.FAMILY, AccountKind.VOLUNTEER):
        _error(errors, "account", _("只有家庭或志愿者的积分可以兑换"))
    elif holder.ledger_id != county_of(first.region).pk:
        _error(errors, "account", _("只能兑换本县积分账户的积分"))
    _refuse(errors)
    with transaction.atomic():
        sink = system_account(holder.ledger, AccountKind.REDEEMED)
        locked = {g.pk: g for g in Good.objects.select_for_update().filter(
            pk__in=sorted(goods)).order_by("pk")}
        _lock_accounts(holder, sink)
        total = 0
        for i, (good_id, qty) in enumerate(wanted):
            good = locked[good_id]
            total += good.price * qty
            if good.stock < qty:
                _error(errors, f"lines[{i}].quantity",
                       _("%(name)s库存 %(stock)s%(unit)s，不足 %(quantity)s%(unit)s") % {
                           "name": good.name, "stock": good.stock, "unit": good.unit,
                           "quantity": qty})
        if holder.balance < total:
            errors.insert(0, short_of_points(holder, total, "account"))
        _refuse(errors, ErrorCode.INSUFFICIENT_FUNDS)
        redemption = Redemption.objects.create(account=holder, region=first.region,
                                               region_path=first.region_path, total=total,
                                               on=day, created_by=_user(actor))
        for good_id, qty in wanted:
            good = locked[good_id]
            good.stock -= qty
            good.save(update_fields=["stock"])
            StockMove.objects.create(good=good, kind=MoveKind.REDEMPTION, quantity=qty,
                                     redemption=redemption, points=good.price * qty, on=day,
                                     region_path=good.region_path, created_by=_user(actor))
        _move(EntryKind.REDEEM, holder, sink, total, actor=actor, on=day,
              region_path=first.region_path, redemption=redemption)
        _audit(actor, redemption, "redeem", account=holder.name, points=total,
               goods=[f"{locked[g].name}×{q}" for g, q in wanted])
    if isinstance(account, PointAccount):
        account.balance = holder.balance
    return redemption


def visible_region(actor: Any, region: Region) -> bool:
    """Whether ``region`` lies in the actor's subtree (choosing a supermarket on a form)."""
    return visible_path(actor, region.path)
