from django.apps import AppConfig


class UpwardConfig(AppConfig):
    name = "jiuzhu.upward"
    verbose_name = "数据上报"

    def ready(self) -> None:
        from jiuzhu.core.jobs import stale_runs

        from .services import submissions_fail_stale

        stale_runs.register(submissions_fail_stale)  # builds whose worker died
