import json

from django.core.management.base import BaseCommand

from jiuzhu.assessments.benchmark import bench_reassess


class Command(BaseCommand):
    help = "基准测试：N 户在册家庭的批量重新核算（读库、计算、写回），打印一行 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000)
        parser.add_argument("--chunk", type=int, default=50_000)
        parser.add_argument("--keep", action="store_true", help="保留基准数据")

    def handle(self, *args, households: int, chunk: int, keep: bool, **options):
        self.stdout.write(json.dumps(bench_reassess(households, keep=keep, chunk_size=chunk)))
