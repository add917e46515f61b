from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jiuzhu.supervision"
    verbose_name = "动态管理与日常监管"

    def ready(self) -> None:
        from jiuzhu.payments.hooks import register_amount_rule, register_before_payroll

        from .services import phase_out_amount, phase_outs_expire

        # The payroll stops ended phase-outs first and pays a phase-out's amount.
        register_before_payroll(phase_outs_expire)
        register_amount_rule(phase_out_amount)

        # An approved monthly benefit gets its review schedule in the deciding transaction.
        from jiuzhu.applications.events import on_decided

        from .services import review_schedule

        def schedule_reviews(application, *, actor, action):
            if action == "approve":
                review_schedule(application, actor=actor)

        on_decided(schedule_reviews)
