from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "jiuzhu.policy"
    verbose_name = "政策参数"

    def ready(self) -> None:
        from . import overlays, rules  # noqa: F401 - the predicates register on import

        overlays.connect()
