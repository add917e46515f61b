from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jiuzhu.intake"
    verbose_name = "一门受理"

    def ready(self) -> None:
        from . import scopes

        scopes.register()

        from jiuzhu.calendars.services import register_daily

        from .services import alerts_recompute

        register_daily(alerts_recompute)

        # 办理时效: how ``backfill_step_facts`` builds this app's step facts (facts.py)
        from jiuzhu.calendars.services import register_fact_source

        from . import facts

        register_fact_source(facts.KIND, facts.all_facts, facts.count)

        from jiuzhu.assessments.prescription import register_receiving

        from .selectors import receiving_pairs

        register_receiving(receiving_pairs)

        # An item decided here closes with its application's decision, in the same
        # transaction (a one-way hook of applications; no signal, no sweep).
        from jiuzhu.applications.events import on_decided

        from .services import application_decided

        on_decided(application_decided)
