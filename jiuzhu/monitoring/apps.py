from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jiuzhu.monitoring"
    verbose_name = "综合看板"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily
        from jiuzhu.core.jobs import stale_runs

        from . import rules  # noqa: F401 - registers the predicates
        from .services import refresh_daily, refresh_runs_fail_stale

        stale_runs.register(refresh_runs_fail_stale)  # runs whose worker died
        # every night: this month's snapshots of every province, city and county
        register_daily(refresh_daily)
