from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "jiuzhu.calendars"
    verbose_name = "工作日历"

    def ready(self) -> None:
        # The audit app sits below this one (it cannot import register_daily): the monthly
        # partitions of the audit table on PostgreSQL are created by the daily task.
        from jiuzhu.audit.partitions import audit_partitions_daily

        from .services import register_daily

        register_daily(audit_partitions_daily)
