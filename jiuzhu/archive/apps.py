from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "jiuzhu.archive"
    verbose_name = "电子档案"
