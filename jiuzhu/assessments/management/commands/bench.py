"""``jiuzhu bench assess --households N``: time the batch engine on N synthetic households.

Prints exactly one JSON line: ``{"households", "seconds", "households_per_second",
"peak_rss_mb"}``; ``seconds`` counts the assessment alone, not the generation.
Touches no database.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.rules.cli import bench_assess
from jiuzhu.rules.synthetic import DEFAULT_SEED


class Command(BaseCommand):
    help = "性能基准测试（bench assess：生成模拟家庭并用批量引擎核算，输出一行 JSON）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        targets = parser.add_subparsers(dest="target", required=True, metavar="{assess}")
        assess = targets.add_parser("assess", help="批量核算 N 户模拟家庭并计时（不含生成时间）")
        assess.add_argument(
            "--households", type=int, default=1_000_000, metavar="N", help="户数，默认 1000000"
        )
        assess.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="随机种子（固定，结果可复现）"
        )

    def handle(self, *args, **options):
        if options["target"] != "assess":
            raise CommandError(f"未知的基准测试：{options['target']}")
        if options["households"] < 1:
            raise CommandError("--households 至少为 1")
        figures = bench_assess(options["households"], seed=options["seed"])
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
