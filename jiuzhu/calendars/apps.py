from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "jiuzhu.calendars"
    verbose_name = "工作日历"
