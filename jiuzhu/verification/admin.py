"""Read-only admin of verification: requests, answers and findings are kept as they are."""

from __future__ import annotations

from django.contrib import admin

from .models import Finding, SourceResponse, VerificationRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VerificationRequest)
class VerificationRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "household", "status", "requested_by", "requested_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("household__household_id", "household__head_name")


@admin.register(SourceResponse)
class SourceResponseAdmin(ReadOnlyAdmin):
    list_display = ("id", "request", "source", "status", "received_at")
    list_filter = ("source", "status")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("id", "request", "source", "member_name", "label", "matters", "status")
    list_filter = ("source", "status", "matters")
