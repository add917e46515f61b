from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "jiuzhu.leads"
    verbose_name = "网格与主动发现"

    def ready(self) -> None:
        from jiuzhu.core.access import register_grant

        from .selectors import responsible_paths

        # A grid worker also sees the grids they are responsible for (责任田).
        register_grant(responsible_paths)
