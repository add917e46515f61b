"""``jiuzhu schedule_daily``: enqueue the daily alert recompute for the next 01:00, unless
one is already waiting. Run it once after deploying (safe to run at every deploy); each run
of the task enqueues the next day's itself."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from jiuzhu.calendars.tasks import daily_schedule


class Command(BaseCommand):
    help = "Enqueue the daily alert recompute (01:00) unless one is pending."

    def handle(self, *args: Any, **options: Any) -> None:
        result = daily_schedule()
        if result is None:
            self.stdout.write("每日预警重算已在队列中（或任务后端不支持定时），未重复加入")
        else:
            when = timezone.localtime(result.task.run_after).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"已加入每日预警重算，首次运行时间 {when}（任务 {result.id}）")
