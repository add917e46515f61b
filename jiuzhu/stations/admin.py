from django.contrib import admin

from jiuzhu.audit.admin_guard import ReadOnlyAdmin

from .models import LoveStation


@admin.register(LoveStation)
class LoveStationAdmin(ReadOnlyAdmin):
    """Read-only: stations are registered and changed through the services (audited)."""

    list_display = ("name", "host", "region", "hours", "active")
    list_filter = ("active",)
    readonly_fields = [f.name for f in LoveStation._meta.fields]
