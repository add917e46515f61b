from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jiuzhu.intake"
    verbose_name = "一门受理"
