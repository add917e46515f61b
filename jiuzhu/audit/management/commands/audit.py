"""``jiuzhu audit verify``: checks the SM3 hash chain of the audit events; exit 0 when
intact, 1 naming the first broken event. Then the newest events against the anchor kept
outside the database (``anchor.py``; ``--anchor FILE``: an anchor file or a backup's
``manifest.json``): the anchored event missing (the newest events deleted) or with another
hash (the chain rewritten) is exit 1 naming it.

``jiuzhu audit anchor`` sets the anchor to the database's newest event (after a deliberate
new database; ``jiuzhu restore`` does it itself)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.audit import anchor as anchors
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
        check.add_argument("--anchor", metavar="FILE",
                           help="与此锚点比对（锚点文件，或备份目录中的 manifest.json），"
                                "默认为 AUDIT_ANCHOR_FILE")
        sub.add_parser("anchor", help="把链外锚点设为数据库中最新的审计记录"
                                      "（有意更换数据库之后；恢复备份时自动进行）")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "anchor":
            self.reset_anchor()
            return
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
        self.check_anchor(options.get("anchor"))

    def check_anchor(self, given: str | None) -> None:
        """Exit 1 naming the anchored event when it is missing or differs."""
        path = Path(given) if given else anchors.anchor_path()
        if path is None:
            self.stdout.write("未设置链外锚点（AUDIT_ANCHOR_FILE）：无法发现最新记录被删除")
            return
        try:
            if given:
                anchor = anchors.parse(json.loads(path.read_text(encoding="utf-8")))
            else:
                found = anchors.read(path)
                if found is None:
                    self.stdout.write(f"未找到链外锚点 {path}（尚无审计写入之后的锚点）："
                                      "无法发现最新记录被删除")
                    return
                anchor = found
        except (OSError, ValueError) as error:
            raise CommandError(f"链外锚点 {path} 无法读取：{error}", returncode=1) from None
        if not given and anchor.database != anchors.database_name():
            self.stdout.write(f"链外锚点 {path} 属于另一个数据库（{anchor.database}），未比对")
            return
        stored = anchors.stored_hash(anchor.id)
        if stored == anchor.hash:
            self.stdout.write(f"与链外锚点一致：编号 {anchor.id}（{path}，{anchor.at}）")
            return
        head = anchors.newest()
        if stored is None and (head is None or head.id < anchor.id):
            latest = f"编号 {head.id}" if head else "空（没有任何记录）"
            raise CommandError(
                f"审计记录编号 {anchor.id} 已被删除：链外锚点（{path}，{anchor.at}）记录到"
                f"编号 {anchor.id}，数据库最新为{latest}（最新的记录被删除）", returncode=1)
        if stored is None:
            raise CommandError(f"审计记录编号 {anchor.id} 已被删除：链外锚点（{path}）记录的"
                               "这条记录不在数据库中", returncode=1)
        raise CommandError(
            f"审计记录编号 {anchor.id} 的 SM3 摘要与链外锚点（{path}）不符："
            "哈希链被改写后重算", returncode=1)

    def reset_anchor(self) -> None:
        path = anchors.anchor_path()
        if path is None:
            raise CommandError("未设置链外锚点（AUDIT_ANCHOR_FILE 为空）")
        head = anchors.reset()
        if head is None:
            self.stdout.write(f"数据库中没有审计记录：已删除链外锚点 {path}")
        else:
            self.stdout.write(f"链外锚点 {path} 已设为编号 {head.id}")
