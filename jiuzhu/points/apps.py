from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "jiuzhu.points"
    verbose_name = "公益积分与爱心超市"

    def ready(self) -> None:
        from . import rules  # noqa: F401  (the permissions)
        from .scopes import register

        # outside users: a volunteer sees their own account, a station keeper the counter
        register()
