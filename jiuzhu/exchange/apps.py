from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "jiuzhu.exchange"
    verbose_name = "数据交换（Excel 导入导出）"

    def ready(self) -> None:
        from jiuzhu.core.jobs import stale_runs

        from .services import import_jobs_fail_stale

        stale_runs.register(import_jobs_fail_stale)
