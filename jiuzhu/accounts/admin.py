from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, SecondFactorPolicy, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "region", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()),
                 ("岗位与区划", {"fields": ("role", "region", "full_name", "phone")}))

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        """A user is deactivated (取消“有效”), never deleted: their audit events keep them."""
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request: Any) -> bool:
        """Tokens are made by ``jiuzhu token create`` (the secret is shown once there)."""
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        """A token is revoked, not deleted."""
        return False


@admin.register(SecondFactorPolicy)
class SecondFactorPolicyAdmin(admin.ModelAdmin):
    """二次验证要求 per county (also ``jiuzhu twofactor policy``); a configuration model, so
    every write here is audited by the admin guard."""

    list_display = ("region", "mode")
    list_filter = ("mode",)
    autocomplete_fields = ("region",)
