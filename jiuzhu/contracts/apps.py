from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "jiuzhu.contracts"
    verbose_name = "第三方家境调查"
