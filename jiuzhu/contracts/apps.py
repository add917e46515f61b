from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "jiuzhu.contracts"
    verbose_name = "第三方家境调查"

    def ready(self) -> None:
        from jiuzhu.applications import events
        from jiuzhu.core.access import register_scope

        from . import rules  # noqa: F401  (registers the contracts.* permissions)
        from .scopes import application_scope, investigation_scope
        from .services import on_contracted, on_recorded, organisations_offered

        events.set_contracted_organisations(organisations_offered)
        events.on_investigation_contracted(on_contracted)
        events.on_investigation_recorded(on_recorded)
        # a coordinator sees the cases entrusted to the organisation, a surveyor the cases
        # assigned to them, while the assignment is open; nothing else of any model
        register_scope("applications.Application", "organisation", application_scope)
        register_scope("contracts.ContractedInvestigation", "organisation", investigation_scope)
