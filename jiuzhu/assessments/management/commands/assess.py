"""``jiuzhu assess FILE.json``: assess one household or a list, print the results as JSON.

50-api.md: results in input order, each with its explanation; a household that fails
validation gives ``{"household_id": …, "errors": [...]}`` in its place and the exit
status is 2. An unreadable file or bad JSON: a Chinese message on stderr, status 2.
Touches no database.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from jiuzhu.rules.cli import EXIT_INVALID, InputError, assess_file


class Command(BaseCommand):
    help = "核算家庭低保资格、保障金、信息圈和困难指数（FILE 为一个家庭或家庭列表的 JSON 文件，- 为标准输入）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "file", metavar="FILE.json", help="家庭信息 JSON 文件（household.schema.json）"
        )

    def handle(self, *args, **options):
        try:
            results, status = assess_file(options["file"])
        except InputError as error:
            self.stderr.write(f"错误：{error}")
            sys.exit(EXIT_INVALID)
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        if status:
            self.stdout.flush()
            sys.exit(status)
