from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jiuzhu.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from jiuzhu.core.access import register_denial_hook

        from .services import audit_denied_hook

        register_denial_hook(audit_denied_hook)

        from jiuzhu.core.backups import backing_up, restored

        from .anchor import after_restore, backup_manifest

        backing_up.register(backup_manifest)
        restored.register(after_restore)

        # The admin (listed first in INSTALLED_APPS) has discovered every admin.py by now.
        from django.contrib import admin

        from .admin_guard import guard

        guard(admin.site)
