from django.apps import AppConfig


class RecertifyConfig(AppConfig):
    name = "jiuzhu.recertify"
    verbose_name = "资格认证"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily

        from . import rules  # noqa: F401
        from .services import daily

        register_daily(daily)
