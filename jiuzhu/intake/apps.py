from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jiuzhu.intake"
    verbose_name = "一门受理"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily

        from .services import alerts_recompute

        register_daily(alerts_recompute)
