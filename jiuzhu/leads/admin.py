from django.contrib import admin

from .models import GridAssignment, Lead, VisitTask


@admin.register(GridAssignment)
class GridAssignmentAdmin(admin.ModelAdmin):
    list_display = ("grid", "worker", "assigned_at")
    readonly_fields = [f.name for f in GridAssignment._meta.fields]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("number", "source", "person_name", "status", "outcome", "created_at")
    list_filter = ("status", "source", "outcome")
    readonly_fields = [f.name for f in Lead._meta.fields]


@admin.register(VisitTask)
class VisitTaskAdmin(admin.ModelAdmin):
    list_display = ("lead", "sequence", "assignee", "due_on", "status", "outcome")
    list_filter = ("status", "outcome")
    readonly_fields = [f.name for f in VisitTask._meta.fields]
