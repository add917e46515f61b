"""Read-only admin of the points ledger and the supermarket: every write goes through the
services (locks, audit, the ledger's invariant)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Good, PointAccount, PointEntry, Redemption, StockMove


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(PointAccount)
class PointAccountAdmin(ReadOnly):
    list_display = ["id", "kind", "name", "region", "ledger", "balance"]
    list_filter = ["kind"]
    search_fields = ["name", "holder_key"]


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnly):
    list_display = ["id", "on", "kind", "debit", "credit", "amount", "order_id", "redemption"]
    list_filter = ["kind"]


@admin.register(Good)
class GoodAdmin(ReadOnly):
    list_display = ["id", "name", "region", "price", "stock", "unit", "active"]
    search_fields = ["name"]


@admin.register(StockMove)
class StockMoveAdmin(ReadOnly):
    list_display = ["id", "on", "good", "kind", "quantity", "donor", "redemption"]
    list_filter = ["kind"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnly):
    list_display = ["id", "on", "account", "total", "region"]
