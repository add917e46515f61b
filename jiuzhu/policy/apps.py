from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "jiuzhu.policy"
    verbose_name = "政策参数"

    def ready(self) -> None:
        from jiuzhu.core.jobs import work_starting

        from . import overlays, rules  # noqa: F401 - the predicates register on import

        # the sets approved in another process: before each worker task (at most every
        # JIUZHU_PARAMETERS_CHECK_SECONDS), and forced at the start of a computing command
        # (web requests: jiuzhu.policy.middleware.ParameterOverlays)
        work_starting.register(overlays.refresh_if_due)
