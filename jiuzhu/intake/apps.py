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

        from jiuzhu.assessments.prescription import register_receiving

        from .selectors import items_receiving

        register_receiving(items_receiving)

        from django.db.models.signals import post_save

        from jiuzhu.applications.models import Application

        from .services import application_decided

        def on_application_saved(sender, instance, **kwargs):
            application_decided(instance)

        post_save.connect(on_application_saved, sender=Application,
                          dispatch_uid="intake_application_decided", weak=False)
