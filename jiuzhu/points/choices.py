"""Choices of the points ledger (公益积分) and the charity supermarket (慈善爱心超市)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role


class AccountKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者")
    FAMILY = "family", _("家庭")
    SUPERMARKET = "supermarket", _("爱心超市")
    # the two system accounts of each county's ledger
    ISSUER = "issuer", _("积分发放")
    REDEEMED = "redeemed", _("兑换核销")


#: The accounts whose balances are points held by someone ("balances").
HOLDER_KINDS = frozenset({AccountKind.VOLUNTEER, AccountKind.FAMILY, AccountKind.SUPERMARKET})
SYSTEM_KINDS = frozenset({AccountKind.ISSUER, AccountKind.REDEEMED})


class EntryKind(models.TextChoices):
    ISSUE = "issue", _("服务积分发放")
    TRANSFER = "transfer", _("转赠")
    REDEEM = "redeem", _("兑换")


class MoveKind(models.TextChoices):
    DONATION = "donation", _("捐赠入库")
    PURCHASE = "purchase", _("采购入库")
    REDEMPTION = "redemption", _("兑换出库")


#: Moves that add stock.
MOVES_IN = frozenset({MoveKind.DONATION, MoveKind.PURCHASE})

#: Staff who see the points pages (accounts, entries, supermarket, statement).
POINTS_VIEWERS = frozenset({Role.WINDOW_WORKER, Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_REVIEWER,
                            Role.COUNTY_APPROVER, Role.SUPERVISOR, Role.ADMINISTRATOR})
#: Staff who run the supermarket counter (redeem, take donations, add goods) and transfer
#: points on a volunteer's behalf.
COUNTER_STAFF = frozenset({Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER,
                           Role.ADMINISTRATOR})
#: Staff who set the goods' prices.
PRICE_SETTERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
