"""Pages of the points (公益积分) and the charity supermarket (慈善爱心超市): the accounts
of the region, one account's entries (with 转赠), the supermarket counter (goods, stock in,
redeem, prices) and the monthly statement. Staff of the region; a volunteer sees only their
own account; the keeper of a station with a supermarket point runs its counter.

An account or good outside what the user sees is 'not found' like a missing one; a role
that may not act gets 403; a refused form is shown again with the services' errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiuzhu.audit.choices import AuditAction
from jiuzhu.audit.downloads import list_response
from jiuzhu.audit.services import audit_read
from jiuzhu.core.access import get_visible
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page
from jiuzhu.regions.choices import RegionLevel
from jiuzhu.regions.models import Region

from . import selectors, services
from .choices import AccountKind
from .forms import (
    AccountFilterForm,
    DonateForm,
    GoodForm,
    MonthForm,
    PriceForm,
    RedeemForm,
    TransferForm,
)
from .models import PointAccount, PointEntry
from .selectors import counterpart_name, family_name

PAGE_SIZE = 50


def _require(user: Any, *permissions: str) -> None:
    if not any(user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _who(user: Any) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else _("系统")


# --- accounts --------------------------------------------------------------------------------


@login_required
@require_GET
def accounts(request: HttpRequest) -> HttpResponse:
    """积分账户: the volunteers' and families' balances in the region (staff); a volunteer
    goes to their own account."""
    user = request.user
    if not user.has_perm("points.view"):
        if user.has_perm("points.view_own"):
            own = selectors.own_accounts(user).first()
            if own is not None:
                return redirect("points:account", pk=own.pk)
            return render(request, "points/no_account.html")
        raise PermissionDenied
    filters = AccountFilterForm(request.GET or None)
    kind = q = ""
    if filters.is_valid():
        kind, q = filters.cleaned_data["kind"], filters.cleaned_data["q"]
    rows = selectors.accounts_for(user, kind=kind, q=q)
    if request.GET.get("export") == "xlsx":
        return list_response(request, what="point_accounts", name=_("积分账户"),
                             headers=[_("账户号"), _("类别"), _("名称"), _("所属区划"), _("积分余额")],
                             rows=([a.pk, a.get_kind_display(), a.name, a.region.name, a.balance]
                                   for a in rows))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "points/accounts.html", {
        "page": page, "filters": filters, "summary": selectors.summary(user)})


def _transfer_allowed(user: Any, account: PointAccount) -> bool:
    if account.kind != AccountKind.VOLUNTEER:
        return False
    if account.user_id is not None and account.user_id == user.pk:
        return bool(user.has_perm("points.give_own"))
    return bool(user.has_perm("points.transfer"))


@login_required
def account(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: balance and entries (paged, Excel); a volunteer's account has the 转赠
    form for its owner (and for counter staff)."""
    user = request.user
    _require(user, "points.view", "points.view_own")
    try:
        acct: PointAccount = get_visible(selectors.accounts_for(user), user, pk=pk,
                                         message=_("积分账户不存在"))
    except ServiceError as error:
        raise Http404(error.message) from None
    entries = selectors.entries_of(acct)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return list_response(request, what="point_entries", name=acct.name,
                             headers=[_("日期"), _("类别"), _("变动"), _("对方账户"), _("说明")],
                             rows=([e.on, e.get_kind_display(), _change(e, acct),
                                    _counterpart(e, acct, user), e.note] for e in entries))
    may_transfer = _transfer_allowed(user, acct)
    families = services.served_families(acct) if may_transfer else []
    form = (TransferForm(request.POST or None, families=families)
            if may_transfer and families else None)
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.transfer(actor=user, source=acct,
                                          target=form.families[data["target"]],
                                          amount=data["amount"], note=data["note"] or "")
            except ServiceError as error:
                if error.code == ErrorCode.FORBIDDEN:
                    raise PermissionDenied(error.message) from None
                form.attach_errors(error.errors, error.message)
                status = error.status if error.status in (409, 422) else 422
            else:
                messages.success(request, _("已转赠 %(amount)s 积分给%(name)s。") % {
                    "amount": entry.amount, "name": family_name(entry.credit, user)})
                return redirect("points:account", pk=acct.pk)
        else:
            status = 422
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_read(request, acct, AuditAction.VIEW, what="point_account")
    rows = [{"entry": e, "change": _change(e, acct), "counterpart": _counterpart(e, acct, user),
             "by": _who(e.created_by) if not getattr(user, "is_outside", False) else ""} for e in page.object_list]
    return render(request, "points/account.html", {
        "account": acct, "page": page, "rows": rows, "form": form,
        "no_families": may_transfer and not families}, status=status)


def _change(entry: PointEntry, account: PointAccount) -> int:
    return entry.amount if entry.credit_id == account.pk else -entry.amount


def _counterpart(entry: PointEntry, account: PointAccount, user: Any = None) -> str:
    return counterpart_name(entry, account, user)


# --- the supermarket -------------------------------------------------------------------------


def _good_regions(user: Any) -> list[Region]:
    """Where a supermarket may be placed: the user's region and the townships and villages
    below it (not above the county)."""
    levels = [RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
    return list(Region.objects.visible_to(user).filter(level__in=levels).order_by("path")[:300])


@login_required
def supermarket(request: HttpRequest) -> HttpResponse:
    """爱心超市: the goods with price and stock (paged, Excel), and the counter's forms —
    redeem (兑换), stock in (捐赠/采购入库), new good, price."""
    user = request.user
    _require(user, "points.view_supermarket")
    goods_qs = selectors.goods_for(user, q=request.GET.get("q", "").strip()[:50])
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return list_response(request, what="supermarket_goods", name=_("爱心超市物品"),
                             headers=[_("物品"), _("单位"), _("兑换积分"), _("库存"), _("超市")],
                             rows=([g.name, g.unit, g.price, g.stock, g.region.name]
                                   for g in goods_qs))
    goods = list(selectors.goods_for(user).filter(active=True))
    counter = user.has_perm("points.run_counter")
    manage = user.has_perm("points.manage_goods")
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    if posted and not ((posted in ("redeem", "donate") and counter)
                       or (posted in ("good", "price") and manage)):
        raise PermissionDenied
    data = request.POST if posted else None
    forms: dict[str, Any] = {
        "redeem": RedeemForm(data if posted == "redeem" else None, prefix="redeem", goods=goods)
        if counter else None,
        "donate": DonateForm(data if posted == "donate" else None, prefix="donate", goods=goods)
        if counter else None,
        "good": GoodForm(data if posted == "good" else None, prefix="good",
                         regions=_good_regions(user)) if manage else None,
        "price": PriceForm(data if posted == "price" else None, prefix="price", goods=goods)
        if manage else None,
    }
    status = 200
    if posted:
        form = forms[posted]
        if form.is_valid():
            try:
                done = _counter_act(request, posted, form, goods)
            except ServiceError as error:
                refuse_page(error)
                form.attach_errors(error.errors, error.message)
                status = error.status if error.status in (409, 422) else 422
            else:
                messages.success(request, done)
                return redirect("points:supermarket")
        else:
            status = 422
    page = Paginator(goods_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "points/supermarket.html", {
        "page": page, "forms": forms, "posted": posted, "q": request.GET.get("q", "")},
        status=status)


def _counter_act(request: HttpRequest, posted: str, form: Any, goods: list[Any]) -> str:
    data = form.cleaned_data
    user = request.user
    by_pk = {g.pk: g for g in goods}
    if posted in ("donate", "price") and data["good"] not in by_pk:
        raise ServiceError(ErrorCode.VALIDATION, _("物品不存在或已下架"),
                           [{"path": "good", "message": _("物品不存在或已下架")}])
    if posted == "redeem":
        redemption = services.redeem(actor=user, account=data["account"],
                                     lines=[(data["good"], data["quantity"])])
        return _("兑换成功：%(name)s使用 %(total)s 积分。") % {
            "name": redemption.account.name, "total": redemption.total}
    if posted == "donate":
        move = services.donate_goods(actor=user, good=by_pk[data["good"]],
                                     quantity=data["quantity"], donor=data["donor"] or "",
                                     kind=data["kind"])
        return _("已入库：%(name)s %(quantity)s%(unit)s。") % {
            "name": move.good.name, "quantity": move.quantity, "unit": move.good.unit}
    if posted == "good":
        region = form.regions.get(data["region"])
        good = services.add_good(actor=user, region=region, name=data["name"],
                                 price=data["price"], unit=data["unit"])
        return _("已新增物品：%(name)s。") % {"name": good.name}
    good = services.set_price(actor=user, good=by_pk[data["good"]], price=data["price"])
    return _("%(name)s的兑换积分已改为 %(price)s。") % {"name": good.name, "price": good.price}


# --- the monthly statement -------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[MonthForm, int, int]:
    form = MonthForm(request.GET or None)
    today = timezone.localdate()
    year, month = today.year, today.month
    if form.is_valid() and form.cleaned_data.get("month"):
        try:
            parsed = date.fromisoformat(form.cleaned_data["month"] + "-01")
        except ValueError:
            form.add_error("month", _("月份格式应为 2026-03"))
        else:
            year, month = parsed.year, parsed.month
    return form, year, month


@login_required
@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    """爱心超市月报: per good, stock in (donated, purchased), out (redeemed) and points
    redeemed in a month; the donations with their donors; Excel."""
    _require(request.user, "points.view", "points.view_supermarket")
    form, year, month = _month(request)
    result = selectors.statement(request.user, year, month)
    if request.GET.get("export") == "xlsx":
        rows = [[r["good"].name, r["good"].region.name, r["donated"], r["purchased"], r["out"],
                 r["points"], r["stock"]] for r in result["lines"]]
        rows.append([_("合计"), "", result["donated"], result["purchased"], result["out"],
                     result["points"], ""])
        return list_response(request, what="supermarket_statement",
                             name=_("爱心超市月报%(year)s年%(month)s月") % {"year": year,
                                                                       "month": month},
                             headers=[_("物品"), _("超市"), _("捐赠入库"), _("采购入库"),
                                      _("兑换出库"), _("兑换积分"), _("当前库存")], rows=rows)
    return render(request, "points/statement.html", {
        "form": form, "year": year, "month": month, "result": result,
        "month_value": f"{year:04d}-{month:02d}"})
