from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiuzhu.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from . import excel, limits
        from .validation_texts import install

        install()
        excel.install()
        limits.install()

        from django_tasks.signals import task_started

        from .jobs import on_task_started

        task_started.connect(on_task_started, dispatch_uid="jiuzhu.core.jobs.sweep")
