from django.apps import AppConfig


class UpwardConfig(AppConfig):
    name = "jiuzhu.upward"
    verbose_name = "数据上报"
