from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "jiuzhu.selfservice"
    verbose_name = "群众自助"
