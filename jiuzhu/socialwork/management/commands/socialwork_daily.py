"""``jiuzhu socialwork_daily``: open the after-care cases (事后追踪) due today, once each —
1 month after emergency help was paid, and after a household left dibao. Also run every
day at 01:00 by the calendar's daily job (registered in ``SocialworkConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jiuzhu.socialwork.services import open_after_care


class Command(BaseCommand):
    help = "Open the social-work after-care cases due today (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        opened = open_after_care()
        self.stdout.write(f"新开事后追踪个案 {len(opened)} 个")
