from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "jiuzhu.emergency"
    verbose_name = "急难救助"

    def ready(self) -> None:
        import importlib
        import importlib.util

        from jiuzhu.applications.events import on_decided

        from . import rules  # noqa: F401 - registers the predicates
        from .services import on_application_decided, open_from_lead

        # The case's MZ05/MZ04 file decided: papers done, the case closed.
        on_decided(on_application_decided)
        # A critical lead with a household opens a case (leads never imports emergency).
        if importlib.util.find_spec("jiuzhu.leads.events") is not None:
            events = importlib.import_module("jiuzhu.leads.events")
            register = getattr(events, "on_critical_lead", None)
            if register is not None:
                register(open_from_lead)
