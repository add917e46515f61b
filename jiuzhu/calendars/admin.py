from django.contrib import admin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Read-only: days are changed on the calendar page, which records the reason and
    writes the audit log."""

    list_display = ("date", "kind", "name", "is_workday", "source", "updated_by", "updated_at")
    list_filter = ("kind", "source", "is_workday")
    date_hierarchy = "date"
    search_fields = ("name", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
