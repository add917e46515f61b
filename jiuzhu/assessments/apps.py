from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jiuzhu.assessments"
    verbose_name = "核算"
