from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: a document is issued by the workflow and never changed."""

    list_display = ("number", "code", "title", "version", "office", "issued_at", "issued_by",
                    "status")
    list_filter = ("code", "year", "status")
    search_fields = ("number", "title")
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

