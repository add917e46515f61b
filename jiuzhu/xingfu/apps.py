from django.apps import AppConfig


class XingfuConfig(AppConfig):
    name = "jiuzhu.xingfu"
    verbose_name = "幸福云服务"
