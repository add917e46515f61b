from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "jiuzhu.payments"
    verbose_name = "待遇发放"
