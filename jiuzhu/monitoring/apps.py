from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jiuzhu.monitoring"
    verbose_name = "综合看板"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily

        from . import rules  # noqa: F401 - registers the predicates
        from .services import refresh_daily

        # every night: this month's snapshots of every province, city and county
        register_daily(refresh_daily)
