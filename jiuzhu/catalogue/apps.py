from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "jiuzhu.catalogue"
    verbose_name = "政策清单"
