from django.contrib import admin

from jiuzhu.audit.admin_guard import ReadOnlyAdmin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Import jobs are records of what happened: shown, never edited."""

    list_display = ("id", "original_name", "created_by", "status", "total_rows", "error_count",
                    "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("original_name", "created_by__username")
