from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jiuzhu.supervision"
    verbose_name = "动态管理与日常监管"
