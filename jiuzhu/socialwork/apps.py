from django.apps import AppConfig


class SocialworkConfig(AppConfig):
    name = "jiuzhu.socialwork"
    verbose_name = "社工介入"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily
        from jiuzhu.xingfu.services import register_need_source

        from . import rules  # noqa: F401
        from .scopes import register
        from .services import daily, need_source

        register()
        register_daily(daily)
        # 幸福云: a social worker posts a need for the family of one of their open cases
        register_need_source("social_case_id", need_source)
