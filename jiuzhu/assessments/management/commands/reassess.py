import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.assessments.models import BatchRun
from jiuzhu.assessments.services import batch_create, batch_execute
from jiuzhu.assessments.tasks import batch_run_task
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.jobs import work_starting
from jiuzhu.regions.models import Region


class Command(BaseCommand):
    help = "批量重新核算一个区划（可到省级）的全部在册家庭，显示进度；中断后可用 --resume 继续。"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="区划代码，如 990102")
        parser.add_argument("--date", help="核算日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--chunk", type=int, default=20000, help="每批户数")
        parser.add_argument("--resume", type=int, metavar="RUN_ID", help="继续一个未完成的批次")
        parser.add_argument("--enqueue", action="store_true",
                            help="交给后台任务执行（jiuzhu db_worker），不在此进程中计算")

    def handle(self, *args, **options):
        work_starting(force=True)  # the parameter sets approved on the pages (jiuzhu.policy)
        if options["resume"]:
            run = BatchRun.objects.select_related("region").filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"批次 {options['resume']} 不存在")
        else:
            region = Region.objects.filter(code=options["region"] or "").first()
            if region is None:
                raise CommandError(f"--region：区划代码 {options['region']!r} 不存在")
            try:
                on = date.fromisoformat(options["date"]) if options["date"] else None
            except ValueError:
                raise CommandError(f"--date：{options['date']!r} 不是 YYYY-MM-DD 日期") from None
            run = batch_create(actor=SYSTEM, region=region, on=on, chunk_size=options["chunk"])
        if options["enqueue"]:
            batch_run_task.enqueue(run_id=run.pk)
            self.stdout.write(f"批次 {run.pk} 已加入后台队列（{run.total} 户）")
            return
        started = time.perf_counter()

        def progress(r: BatchRun) -> None:
            width = 30
            done = int(width * r.percent / 100)
            sys.stderr.write(f"\r批次 {r.pk} [{'#' * done}{'.' * (width - done)}] "
                             f"{r.processed}/{r.total} 户 {time.perf_counter() - started:.1f}s")
            sys.stderr.flush()

        run = batch_execute(run=run, progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(f"批次 {run.pk} 完成：{run.processed} 户，用时 "
                          f"{time.perf_counter() - started:.1f} 秒")
