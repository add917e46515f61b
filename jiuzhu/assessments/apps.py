from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jiuzhu.assessments"
    verbose_name = "核算"

    def ready(self) -> None:
        from jiuzhu.core.jobs import stale_runs
        from jiuzhu.households.events import on_moved

        from .services import batch_runs_fail_stale, standing_move

        on_moved(standing_move)  # a household's standing follows it when it moves
        stale_runs.register(batch_runs_fail_stale)  # runs whose worker died
