"""``jiuzhu archive_closed``: build the missing archive packages of cases already closed."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.archive.closed import build_missing, missing
from jiuzhu.regions.models import Region


class Command(BaseCommand):
    help = ("为已办结但尚未归档的案件生成电子档案包（每案最近一次办结事件；已归档的跳过）。"
            "Build the missing archive packages of closed cases.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=None,
                            help="只处理最近办结的 N 个案件 (the most recent N only)")
        parser.add_argument("--region", default="",
                            help="区划代码，只处理该区划内的案件 (a region code)")
        parser.add_argument("--dry-run", action="store_true",
                            help="只列出待归档的案件数 (count only)")

    def handle(self, *args: Any, **options: Any) -> None:
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"区划代码不存在：{options['region']}")
        if options["dry_run"]:
            self.stdout.write(f"待归档 {len(missing(region=region))} 个案件")
            return
        started = time.monotonic()
        built = refused = 0
        for n, (kind, pk, closing, result) in enumerate(
                build_missing(limit=options["limit"], region=region), 1):
            if isinstance(result, str):
                refused += 1
                self.stderr.write(f"[{n}] {kind} {pk} {closing}: {result}")
            elif result is not None:
                built += 1
                self.stdout.write(f"[{n}] {result.case_number} 第{result.version}版 "
                                  f"{result.get_closing_display()} {result.file_count} 个文件")
        self.stdout.write(f"归档完成：新建 {built} 个档案包，未能归档 {refused} 个，"
                          f"用时 {time.monotonic() - started:.1f} 秒")
