from django.contrib import admin

from jiuzhu.audit.admin_guard import ReadOnlyAdmin

from .models import GridAssignment, Lead, VisitTask


@admin.register(GridAssignment)
class GridAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("grid", "worker", "assigned_at")
    readonly_fields = [f.name for f in GridAssignment._meta.fields]


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("number", "source", "person_name", "status", "outcome", "created_at")
    list_filter = ("status", "source", "outcome")
    readonly_fields = [f.name for f in Lead._meta.fields]


@admin.register(VisitTask)
class VisitTaskAdmin(ReadOnlyAdmin):
    list_display = ("lead", "sequence", "assignee", "due_on", "status", "outcome")
    list_filter = ("status", "outcome")
    readonly_fields = [f.name for f in VisitTask._meta.fields]
