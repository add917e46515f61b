from django.contrib import admin

from .models import BankAccount, Payment, Payroll


@admin.register(Payroll)
class PayrollAdmin(admin.ModelAdmin):
    list_display = ("township", "month", "status", "count", "total", "generated_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Payroll._meta.fields]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("application", "month", "amount", "township")
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ("household", "bank_name", "holder_name")
    raw_id_fields = ("household",)
