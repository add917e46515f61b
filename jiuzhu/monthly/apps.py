from django.apps import AppConfig


class MonthlyConfig(AppConfig):
    name = "jiuzhu.monthly"
    verbose_name = "统计月报"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily

        from .services import drafts_refresh_daily

        register_daily(drafts_refresh_daily)
