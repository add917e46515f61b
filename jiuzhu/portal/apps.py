from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jiuzhu.portal"
    verbose_name = "工作台"
