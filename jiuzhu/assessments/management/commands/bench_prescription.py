import json

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.assessments.benchmark import bench_prescription
from jiuzhu.core.jobs import work_starting


class Command(BaseCommand):
    help = ("基准测试：N 户模拟家庭写入临时县（十个乡镇），从数据库生成全县大处方统计（逐户判断全部事项、"
            "按乡镇计数、写出 Excel），打印一行 JSON。")

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000)
        parser.add_argument("--chunk", type=int, default=50_000)
        parser.add_argument("--keep", action="store_true", help="保留基准数据")

    def handle(self, *args, households: int, chunk: int, keep: bool, **options):
        work_starting(force=True)  # the parameter sets approved on the pages (jiuzhu.policy)
        if households < 1:
            raise CommandError("--households 至少为 1")
        self.stdout.write(json.dumps(bench_prescription(households, keep=keep, chunk_size=chunk)))
