from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "area_type", "path")
    list_filter = ("level", "area_type")
    search_fields = ("code", "name")
    readonly_fields = ("path",)
