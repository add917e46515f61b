"""Demo points and supermarket: the charity supermarket point of 城关街道东门社区爱心驿站
(东门社区 990102001001) with goods in stock (rice, oil, flour, …; donations in kind with
their donors and a purchase), the points of the confirmed 幸福云 service orders that exist
(the demo loader runs the xingfu demo first; each order is issued once), a transfer (转赠)
from volunteer1 to a family they served and one redemption at the counter. Everything goes
through the services; loading twice adds nothing.

Called by the demo loader after the xingfu demo: ``load(stdout=None)``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction

from jiuzhu.accounts.models import User
from jiuzhu.core.access import SYSTEM
from jiuzhu.regions.models import Region

from . import services
from .choices import AccountKind, EntryKind, MoveKind
from .models import Good, PointAccount, PointEntry, Redemption, StockMove

SUPERMARKET = "990102001001"  # 东门社区: the love station with a supermarket point
#: (name, unit, points price)
GOODS = [("大米", "袋", 30), ("食用油", "桶", 25), ("面粉", "袋", 20), ("洗衣粉", "袋", 8),
         ("牙膏", "支", 5), ("毛巾", "条", 6), ("鸡蛋", "盒", 12)]
#: (good, quantity, donor — empty for a purchase)
STOCK = [("大米", 40, "示范县粮油有限公司"), ("食用油", 20, "示范县粮油有限公司"),
         ("面粉", 30, "示范县爱心企业联合会"), ("毛巾", 50, "城关街道商会"),
         ("洗衣粉", 40, ""), ("牙膏", 60, ""), ("鸡蛋", 20, "")]


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _goods(region: Region) -> dict[str, Good]:
    found = {g.name: g for g in Good.objects.filter(region=region)}
    for name, unit, price in GOODS:
        if name not in found:
            found[name] = services.add_good(actor=SYSTEM, region=region, name=name, price=price,
                                            unit=unit)
    for name, quantity, donor in STOCK:
        good = found[name]
        kind = MoveKind.DONATION if donor else MoveKind.PURCHASE
        if not StockMove.objects.filter(good=good, kind=kind, donor=donor).exists():
            services.donate_goods(actor=SYSTEM, good=good, quantity=quantity, donor=donor,
                                  kind=kind)
    return found


def _issue_for_orders() -> int:
    """Issue the points of every confirmed order of a volunteer that has none yet (xingfu
    issues them on confirmation; this covers orders confirmed before the points app)."""
    try:
        order_model = apps.get_model("xingfu", "Order")
    except LookupError:  # pragma: no cover - xingfu is installed
        return 0
    done = set(PointEntry.objects.filter(kind=EntryKind.ISSUE).values_list("order_id", flat=True))
    count = 0
    orders = (order_model.objects.filter(confirmed_at__isnull=False)
              .select_related("provider", "need__region").order_by("pk"))
    for order in orders:
        if order.pk in done or getattr(order.provider, "kind", "") != "volunteer":
            continue
        entry = services.issue_for_service(actor=SYSTEM, order_id=order.pk,
                                           provider=order.provider,
                                           minutes=order.minutes or 0,
                                           region=order.need.region)
        count += entry is not None
    return count


def load(stdout: Any = None) -> None:
    region = Region.objects.filter(code=SUPERMARKET).first()
    if region is None:
        _say(stdout, "points: no region 990102001001, skipped\n")
        return
    with transaction.atomic():
        goods = _goods(region)
        issued = _issue_for_orders()
        volunteer = User.objects.filter(username="volunteer1").first()
        source = (PointAccount.objects.filter(user=volunteer, kind=AccountKind.VOLUNTEER)
                  .order_by("pk").first() if volunteer else None)
        # 转赠 goes only to a family the volunteer served (a confirmed 幸福云 order)
        served = services.served_families(source) if source is not None else []
        household = served[0] if served else None
        family = services.family_account(household) if household is not None else None
        if (source is not None and family is not None and source.balance >= 10
                and not PointEntry.objects.filter(kind=EntryKind.TRANSFER, debit=source,
                                                  credit=family).exists()):
            services.transfer(actor=volunteer, source=source, target=family,
                              amount=min(20, source.balance), note="感谢社区照顾独居老人")
            family.refresh_from_db()
        if family is not None and family.balance >= goods["牙膏"].price \
                and not Redemption.objects.filter(account=family).exists():
            services.redeem(actor=SYSTEM, account=family, lines=[(goods["牙膏"], 1)])
    _say(stdout, f"points: {len(goods)} goods, {issued} orders issued, "
                 f"{PointEntry.objects.count()} entries\n")
