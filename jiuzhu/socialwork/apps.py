from django.apps import AppConfig


class SocialworkConfig(AppConfig):
    name = "jiuzhu.socialwork"
    verbose_name = "社工介入"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily

        from . import rules  # noqa: F401
        from .scopes import register
        from .services import daily

        register()
        register_daily(daily)
