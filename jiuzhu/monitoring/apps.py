from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jiuzhu.monitoring"
    verbose_name = "综合看板"
