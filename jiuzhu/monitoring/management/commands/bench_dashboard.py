import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("综合看板基准: N households with 24 months of history generated in bulk, snapshots "
            "refreshed, province and county dashboards (and the 月报) timed; one JSON line")

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=1_000_000)
        parser.add_argument("--keep", action="store_true", help="keep the generated data")
        parser.add_argument("--reuse", action="store_true",
                            help="time the data an earlier --keep run left (same size)")

    def handle(self, *args, households: int, keep: bool, reuse: bool, **options):
        from jiuzhu.monitoring.benchmark import bench_dashboard

        result = bench_dashboard(households, keep=keep, reuse=reuse, stdout=self.stderr)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
