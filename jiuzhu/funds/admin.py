"""Read-only admin of the funds: every write goes through the services (locks, audit)."""

from typing import Any

from django.contrib import admin

from .models import Fund, LedgerEntry, Replenishment


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(ReadOnly):
    list_display = ("name", "kind", "region", "balance_fen", "committed_fen")
    list_filter = ("kind",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("id", "fund", "kind", "source", "amount_fen", "on", "voucher", "case_number")
    list_filter = ("kind", "source")


@admin.register(Replenishment)
class ReplenishmentAdmin(ReadOnly):
    list_display = ("reserve", "amount_fen", "state", "requested_at", "decided_at")
    list_filter = ("state",)
