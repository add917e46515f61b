from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jiuzhu.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from jiuzhu.core.access import register_denial_hook

        from .services import audit_denied_hook

        register_denial_hook(audit_denied_hook)

        # The admin (listed first in INSTALLED_APPS) has discovered every admin.py by now.
        from django.contrib import admin

        from .admin_guard import guard

        guard(admin.site)
