from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jiuzhu.supervision"
    verbose_name = "动态管理与日常监管"

    def ready(self) -> None:
        # An approved monthly benefit gets its review schedule in the deciding transaction.
        from jiuzhu.applications.events import on_decided

        from .services import review_schedule

        def schedule_reviews(application, *, actor, action):
            if action == "approve":
                review_schedule(application, actor=actor)

        on_decided(schedule_reviews)
