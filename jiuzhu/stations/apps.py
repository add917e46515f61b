from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "jiuzhu.stations"
    verbose_name = "爱心驿站"

    def ready(self) -> None:
        from .scopes import register

        register()
