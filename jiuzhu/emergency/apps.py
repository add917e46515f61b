from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "jiuzhu.emergency"
    verbose_name = "急难救助"
