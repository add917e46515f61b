from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jiuzhu.assessments"
    verbose_name = "核算"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from jiuzhu.households.models import Household

        from .signals import standing_follows_household

        post_save.connect(standing_follows_household, sender=Household,
                          dispatch_uid="assessments.standing_follows_household")
