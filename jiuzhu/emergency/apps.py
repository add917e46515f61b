from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "jiuzhu.emergency"
    verbose_name = "急难救助"

    def ready(self) -> None:
        import importlib
        import importlib.util

        from jiuzhu.applications.events import on_decided
        from jiuzhu.payments.hooks import register_amount_rule

        from . import rules  # noqa: F401 - registers the predicates
        from .services import on_application_decided, open_from_lead, payroll_amount

        # The case's MZ05/MZ04 file decided: papers done, the case closed.
        on_decided(on_application_decided)
        # The payroll pays an MZ05/MZ04 file less the first help already paid from a fund.
        register_amount_rule(payroll_amount)

        # 办理时效: how ``backfill_step_facts`` builds this app's step facts (facts.py)
        from jiuzhu.calendars.services import register_fact_source

        from . import facts

        register_fact_source(facts.KIND, facts.all_facts, facts.count)
        # A critical lead with a household opens a case (leads never imports emergency).
        if importlib.util.find_spec("jiuzhu.leads.events") is not None:
            events = importlib.import_module("jiuzhu.leads.events")
            register = getattr(events, "on_critical_lead", None)
            if register is not None:
                register(open_from_lead)
