import sys

from django.core.management.base import BaseCommand

from jiuzhu.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入示范县（区划、每个岗位一个用户、约 2,000 户家庭）；可重复执行，已有账号的密码不变。"

    def add_arguments(self, parser):
        parser.add_argument("--per-village", type=int, default=84,
                            help="每个村（社区）的家庭数，默认 84（共约 2,000 户）")

    def handle(self, *args, per_village: int, **options):
        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r正在载入示范家庭 {done}/{total}")
            sys.stderr.flush()

        summary = load_demo(per_village=per_village, progress=progress)
        sys.stderr.write("\n")
        kept = summary["users"] - summary["users_added"]
        self.stdout.write(
            f"示范县已就绪：{summary['regions']} 个区划，{summary['users']} 个用户，"
            f"新增 {summary['households_added']} 户，共 {summary['households']} 户。"
            f"新建账号的密码：{DEMO_PASSWORD}"
            + (f"（已有的 {kept} 个账号密码未改动）" if kept else "")
        )
