from django.apps import AppConfig


class MonthlyConfig(AppConfig):
    name = "jiuzhu.monthly"
    verbose_name = "统计月报"
