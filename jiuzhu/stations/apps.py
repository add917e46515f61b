from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "jiuzhu.stations"
    verbose_name = "爱心驿站"
