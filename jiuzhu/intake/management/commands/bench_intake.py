import json

from django.core.management.base import BaseCommand

from jiuzhu.intake.benchmark import bench_intake


class Command(BaseCommand):
    help = "基准测试：N 户在册家庭时一门受理各页面的服务器用时（中位数、p99），打印一行 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=5_000)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--keep", action="store_true", help="保留基准数据")

    def handle(self, *args, households: int, requests: int, repeat: int, keep: bool, **options):
        self.stdout.write(json.dumps(bench_intake(households, requests=requests, repeat=repeat,
                                                  keep=keep), ensure_ascii=False))
