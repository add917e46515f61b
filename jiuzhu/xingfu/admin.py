"""Read-only admin of 幸福云 (the pages and services do every write)."""

from django.contrib import admin

from .models import NeedStep, Offer, Order, Provider, ServiceNeed


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Provider)
class ProviderAdmin(ReadOnly):
    list_display = ("name", "kind", "rating", "active")
    list_filter = ("kind", "active")


@admin.register(ServiceNeed)
class ServiceNeedAdmin(ReadOnly):
    list_display = ("number", "skill", "state", "starts_at", "round")
    list_filter = ("state", "skill")


@admin.register(Offer)
class OfferAdmin(ReadOnly):
    list_display = ("need", "provider", "round", "rank", "answer", "expires_at")


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ("number", "provider", "accepted_at", "minutes", "rating", "points")


admin.site.register(NeedStep, ReadOnly)
