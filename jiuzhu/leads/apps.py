from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "jiuzhu.leads"
    verbose_name = "网格与主动发现"
