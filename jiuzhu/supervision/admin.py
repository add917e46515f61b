from django.contrib import admin

from jiuzhu.audit.admin_guard import ReadOnlyAdmin

from .models import PhaseOut, ReviewTask, TipOff


@admin.register(ReviewTask)
class ReviewTaskAdmin(ReadOnlyAdmin):
    list_display = ("application", "review_class", "due_on", "status", "outcome")
    list_filter = ("status", "review_class", "outcome")
    readonly_fields = [f.name for f in ReviewTask._meta.fields]


@admin.register(PhaseOut)
class PhaseOutAdmin(ReadOnlyAdmin):
    list_display = ("application", "started_on", "until", "amount", "ended")
    readonly_fields = [f.name for f in PhaseOut._meta.fields]


@admin.register(TipOff)
class TipOffAdmin(ReadOnlyAdmin):
    list_display = ("pk", "household", "source", "received_on", "status")
    list_filter = ("status", "source")
    readonly_fields = [f.name for f in TipOff._meta.fields]
