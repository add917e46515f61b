from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiuzhu.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from . import excel
        from .validation_texts import install

        install()
        excel.install()
