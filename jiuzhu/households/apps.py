from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "jiuzhu.households"
    verbose_name = "家庭档案"
