from django.apps import AppConfig


class SocialworkConfig(AppConfig):
    name = "jiuzhu.socialwork"
    verbose_name = "社工介入"
