from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "jiuzhu.archive"
    verbose_name = "电子档案"

    def ready(self) -> None:
        from jiuzhu.applications.events import on_decided
        from jiuzhu.calendars.services import register_daily
        from jiuzhu.emergency.events import on_closed
        from jiuzhu.supervision.events import on_stopped

        from . import rules  # noqa: F401 - registers the predicates
        from .closed import build_missing_daily
        from .hooks import application_decided, application_stopped, emergency_closed

        # A case closed (approved, refused, not accepted, withdrawn, stopped; an emergency
        # case closed): its package is built by the task worker after the commit.
        on_decided(application_decided)
        on_stopped(application_stopped)
        on_closed(emergency_closed)
        register_daily(build_missing_daily)  # a build that failed is tried again at night
