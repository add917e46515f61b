"""``jiuzhu refresh_dashboard``: this month's dashboard snapshots of every province, city,
county and township now (what the daily task does at 01:00); ``make run`` calls it after
loading the demo county so the first dashboard opens from snapshots."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from jiuzhu.monitoring.services import refresh_daily


class Command(BaseCommand):
    help = "Refresh this month's dashboard snapshots of every region that uses them."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = refresh_daily()
        self.stdout.write(f"综合看板快照已刷新：{count} 个区划，用时 {time.monotonic() - started:.1f} 秒")
