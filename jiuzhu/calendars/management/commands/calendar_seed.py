"""``jiuzhu calendar_seed [--years 2025 2026]``: fill the working-day calendar from
chinese_calendar. Idempotent; never overwrites a day an administrator edited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.calendars.official import OFFICIAL_YEARS, UnknownYear
from jiuzhu.calendars.services import calendar_seed


class Command(BaseCommand):
    help = "Fill the working-day calendar (工作日历) from chinese_calendar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--years", type=int, nargs="+", default=list(OFFICIAL_YEARS),
            help=f"years to seed (default: every year chinese_calendar knows, "
                 f"{OFFICIAL_YEARS.start}–{OFFICIAL_YEARS.stop - 1})")

    def handle(self, *args: Any, years: list[int], **options: Any) -> None:
        try:
            result = calendar_seed(years=years)
        except UnknownYear as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"工作日历 {min(years)}–{max(years)}：新增 {result.created} 天，更新 {result.updated} 天，"
            f"未变 {result.unchanged} 天，保留人工调整 {result.kept_manual} 天")
