from django.contrib import admin

from .models import LoveStation


@admin.register(LoveStation)
class LoveStationAdmin(admin.ModelAdmin):
    """Read-only: stations are registered and changed through the services (audited)."""

    list_display = ("name", "host", "region", "hours", "active")
    list_filter = ("active",)
    readonly_fields = [f.name for f in LoveStation._meta.fields]
