from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "jiuzhu.funds"
    verbose_name = "救急难基金"
