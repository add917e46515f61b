from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jiuzhu.documents"
    verbose_name = "法律文书"

    def ready(self) -> None:
        from jiuzhu.core.jobs import stale_runs

        from .services import documents_fail_stale

        stale_runs.register(documents_fail_stale)  # renders whose worker died
