"""``jiuzhu recompute_alerts``: run the daily recompute functions (every registered
"recompute alerts") now, without waiting for 01:00 and without scheduling anything."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.calendars.services import daily_functions, daily_run


class Command(BaseCommand):
    help = "Run every registered daily recompute function now."

    def handle(self, *args: Any, **options: Any) -> None:
        if not daily_functions():
            self.stdout.write("没有登记的每日重算函数")
            return
        outcome = daily_run()
        for name, status in outcome.items():
            self.stdout.write(f"{name}: {status}")
        failed = [name for name, status in outcome.items() if status != "ok"]
        if failed:
            raise CommandError(f"{len(failed)} 个每日重算函数失败：{', '.join(failed)}")
