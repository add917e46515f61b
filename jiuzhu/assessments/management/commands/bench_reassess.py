import json

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.assessments.bench_batch import bench_reassess
from jiuzhu.core.jobs import work_starting


class Command(BaseCommand):
    help = ("基准测试：N 户在册家庭的批量重新核算（读库、计算、写回），按县拆分，由 W 个后台任务进程并行执行，"
            "打印一行 JSON。")

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000)
        parser.add_argument("--chunk", type=int, default=50_000)
        parser.add_argument("--workers", default="0",
                            help="后台任务进程数（jiuzhu db_worker）；0 = 在本进程中执行；"
                                 "可写多个，如 1,2,4（依次各跑一遍，报告加速比）")
        parser.add_argument("--counties", type=int, default=8, help="基准数据分布的县数（任务数）")
        parser.add_argument("--keep", action="store_true", help="保留基准数据")

    def handle(self, *args, households: int, chunk: int, workers: str, counties: int,
               keep: bool, **options):
        work_starting(force=True)  # the parameter sets approved on the pages (jiuzhu.policy)
        try:
            counts = [int(w) for w in str(workers).split(",") if w.strip()]
        except ValueError:
            raise CommandError(f"--workers：{workers!r} 不是整数或以逗号分隔的整数") from None
        if not counts or min(counts) < 0:
            raise CommandError("--workers：至少一个不小于 0 的整数")
        if not 1 <= counties <= 99:
            raise CommandError("--counties：1 至 99")
        self.stdout.write(json.dumps(bench_reassess(households, keep=keep, chunk_size=chunk,
                                                    workers=counts, counties=counties)))
