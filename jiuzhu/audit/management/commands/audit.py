"""``jiuzhu audit verify``: checks the SM3 hash chain of the audit events; exit 0 when
intact, 1 naming the first broken event."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.audit.chain import verify
from jiuzhu.audit.models import AuditEvent

REASONS = {
    "prev": "前一条摘要与上一条记录不符（记录被删除、插入或调换顺序）",
    "hash": "SM3 摘要与记录内容不符（记录被修改）",
}


class Command(BaseCommand):
    help = "审计记录：jiuzhu audit verify 核验审计记录的 SM3 哈希链"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="核验审计记录的 SM3 哈希链：完整时退出码 0，"
                                              "否则退出码 1 并指出第一条断开的记录")
        check.add_argument("--chunk", type=int, default=5000,
                           help="每批读取的记录数（默认 5000）")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action != "verify":  # pragma: no cover - argparse refuses other actions
            raise CommandError(f"未知操作 {action}")
        total = AuditEvent.objects.count()
        started = time.monotonic()
        show = options["verbosity"] >= 1 and total > options["chunk"]

        def progress(done: int) -> None:
            if show:
                self.stderr.write(f"已核验 {done:,}/{total:,} 条")

        count, broken = verify(AuditEvent, chunk=options["chunk"], progress=progress)
        seconds = time.monotonic() - started
        if broken is not None:
            raise CommandError(
                f"审计记录哈希链在编号 {broken.event_id} 处断开："
                f"{REASONS[broken.reason]}；此前 {count:,} 条完整", returncode=1)
        self.stdout.write(f"审计记录 SM3 哈希链完整：共 {count:,} 条，用时 {seconds:.1f} 秒")
