from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "jiuzhu.payments"
    verbose_name = "待遇发放"

    def ready(self) -> None:
        # One-off assistance approved after this month's payroll is confirmed is paid next month.
        from jiuzhu.applications.events import set_month_confirmed

        from .models import Payroll

        set_month_confirmed(lambda township, month: Payroll.objects.filter(
            township=township, month=month, status="confirmed").exists())
