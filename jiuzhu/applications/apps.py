from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "jiuzhu.applications"
    verbose_name = "低保审核确认"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily

        from . import rules  # noqa: F401  (registers the applications.* permissions)
        from .services import alerts_recompute

        register_daily(alerts_recompute)

        # 办理时效: how ``backfill_step_facts`` builds this app's step facts (facts.py)
        from jiuzhu.calendars.services import register_fact_source

        from . import facts

        register_fact_source(facts.KIND, facts.all_facts, facts.count)

        from jiuzhu.verification.events import on_completed

        from .verification_link import link_completed

        on_completed(link_completed)  # a case's completed verification links itself

        from jiuzhu.assessments.prescription import register_receiving_households

        from .receiving import receiving_household_ids

        # the monitoring circle (碑林) asks which households receive dibao, tekun, low-income
        register_receiving_households(receiving_household_ids)
