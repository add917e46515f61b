"""Delete the scans of online applications that were started and never submitted."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from jiuzhu.selfservice.drafts import drafts_purge


class Command(BaseCommand):
    help = "删除超过指定小时数仍未提交的网上申请暂存材料"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours: int, **options):
        removed = drafts_purge(older_than=timedelta(hours=hours))
        self.stdout.write(f"已删除 {removed} 个暂存文件")
