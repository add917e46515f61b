from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jiuzhu.assessments"
    verbose_name = "核算"

    def ready(self) -> None:
        from jiuzhu.households.events import on_moved

        from .services import standing_move

        on_moved(standing_move)  # a household's standing follows it when it moves
