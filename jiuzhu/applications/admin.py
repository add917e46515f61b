from django.contrib import admin

from .models import DutyRule


@admin.register(DutyRule)
class DutyRuleAdmin(admin.ModelAdmin):
    """四眼原则 per county (``duties.py``): the admin form of the county's rules."""

    list_display = ("region", "no_it_administrator", "no_self_approval", "second_approval_above",
                    "updated_at")
    fields = ("region", "no_it_administrator", "no_self_approval", "second_approval_above")
    list_filter = ("no_it_administrator", "no_self_approval")

    def get_readonly_fields(self, request, obj=None):
        return ("region",) if obj is not None else ()
