from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import jobs are records of what happened: shown, never edited."""

    list_display = ("id", "original_name", "created_by", "status", "total_rows", "error_count",
                    "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("original_name", "created_by__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
