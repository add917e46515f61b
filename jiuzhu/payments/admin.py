from django.contrib import admin

from jiuzhu.audit.admin_guard import ReadOnlyAdmin

from .models import BankAccount, Payment, Payroll


@admin.register(Payroll)
class PayrollAdmin(ReadOnlyAdmin):
    list_display = ("township", "month", "status", "count", "total", "generated_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Payroll._meta.fields]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("application", "month", "amount", "township")
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyAdmin):
    list_display = ("household", "bank_name", "holder_name")
    # The account number is not shown here (the household page shows it, audited).
    exclude = ("account_number",)
    readonly_fields = [f.name for f in BankAccount._meta.fields if f.name != "account_number"]
