"""``jiuzhu restore DIR``: a backup of ``jiuzhu backup`` back into this installation.

First every file of the backup is checked against ``manifest.json`` (present, same size,
same SM3; no file the manifest does not list): one changed byte refuses the restore, naming
the file, and nothing is touched. Then the database (SQLite: the online backup API into the
configured database; PostgreSQL: ``pg_restore --clean``) and ``MEDIA_ROOT`` (made identical
to the backup's files). A database holding any row, or a non-empty ``MEDIA_ROOT``, is
overwritten only with ``--force``. Last ``core.backups.restored`` (the audit anchor is set to
the restored database's newest event). Stop the server and the worker while it runs.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from jiuzhu.core.backups import restored

from .backup import (
    FORMAT,
    MANIFEST,
    MEDIA,
    PG_FILE,
    SQLITE_FILE,
    Progress,
    engine,
    files_under,
    pg_arguments,
    pg_binary,
    private_copy,
    run_pg,
    sm3_file,
    sqlite_copy,
)


def check_manifest(source: Path, progress: Progress) -> dict[str, Any]:
    """The manifest, once every file of the backup matches it; CommandError naming the
    first file that does not."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"不是备份目录（没有 {MANIFEST}）：{source}") from None
    except ValueError as error:
        raise CommandError(f"{MANIFEST} 无法读取：{error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(f"{MANIFEST} 的格式不是 {FORMAT}")
    entries = manifest.get("files")
    if not isinstance(entries, list) or not entries:
        raise CommandError(f"{MANIFEST} 没有文件清单")
    listed: set[str] = set()
    for n, entry in enumerate(entries, 1):
        name = str(entry.get("path", ""))
        pure = PurePosixPath(name)
        if not name or pure.is_absolute() or ".." in pure.parts or name == MANIFEST:
            raise CommandError(f"{MANIFEST} 中的路径不合法：{name!r}")
        path = source / name
        if not path.is_file():
            raise CommandError(f"备份缺少文件：{name}")
        if path.stat().st_size != entry.get("size"):
            raise CommandError(f"文件大小与清单不符，拒绝恢复：{name}")
        if sm3_file(path) != entry.get("sm3"):
            raise CommandError(f"文件 SM3 与清单不符（已被改动），拒绝恢复：{name}")
        listed.add(name)
        progress(n, len(entries))
    for path in files_under(source):
        name = path.relative_to(source).as_posix()
        if name != MANIFEST and name not in listed:
            raise CommandError(f"备份中有清单未列出的文件，拒绝恢复：{name}")
    if manifest.get("database") not in listed:
        raise CommandError(f"{MANIFEST} 未列出数据库文件")
    return manifest


def tables_with_rows() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        found = []
        for name in names:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(name)} LIMIT 1")
            if cursor.fetchone() is not None:
                found.append(name)
    return found


class Command(BaseCommand):
    help = ("从 jiuzhu backup 的目录恢复数据库与文件；先按 SM3 清单校验每个文件。"
            "Restore a backup made by `jiuzhu backup`, after checking its SM3 manifest.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", help="备份目录 (the backup folder)")
        parser.add_argument("--force", action="store_true",
                            help="覆盖有数据的数据库与非空的文件目录 (overwrite existing data)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["directory"]).resolve()
        if not source.is_dir():
            raise CommandError(f"备份目录不存在：{source}")
        manifest = check_manifest(source, Progress(self.stdout, "校验 SM3 清单", "个文件"))
        self.stdout.write("清单校验通过。")
        kind = engine()
        if manifest.get("engine") != kind:
            raise CommandError(f"备份来自 {manifest.get('engine')}，当前数据库是 {kind}")
        expected = SQLITE_FILE if kind == "sqlite" else PG_FILE
        if manifest["database"] != expected:
            raise CommandError(f"{MANIFEST} 的数据库文件应为 {expected}")

        media = Path(settings.MEDIA_ROOT)
        present = list(files_under(media))
        if not options["force"]:
            filled = tables_with_rows()
            if filled:
                raise CommandError(
                    f"目标数据库不为空（{len(filled)} 个表有数据，如 {filled[0]}）；"
                    "确认覆盖请加 --force。")
            if present:
                raise CommandError(
                    f"文件目录 {media} 不为空（{len(present)} 个文件）；确认覆盖请加 --force。")

        database = source / expected
        if kind == "sqlite":
            connection.ensure_connection()
            if connection.in_atomic_block:
                raise CommandError("恢复不能在事务中进行")
            backup = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            try:
                sqlite_copy(backup, connection.connection, Progress(self.stdout, "数据库", "页"))
            finally:
                backup.close()
        else:
            restore = pg_binary("pg_restore")
            self.stdout.write(f"数据库：{restore} --clean …")
            arguments, env = pg_arguments()
            connection.close()
            run_pg([restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                    "--single-transaction", *arguments, str(database)], env, "pg_restore ")
        connection.close()  # nothing cached of the database before the restore
        self.stdout.write("数据库已恢复。")

        wanted = {e["path"][len(MEDIA) + 1:]: source / e["path"] for e in manifest["files"]
                  if str(e["path"]).startswith(MEDIA + "/")}
        removed = 0
        for path in present:
            if path.relative_to(media).as_posix() not in wanted:
                path.unlink()
                removed += 1
        media.mkdir(mode=0o700, parents=True, exist_ok=True)
        copied = Progress(self.stdout, "文件", "个")
        for n, (name, path) in enumerate(sorted(wanted.items()), 1):
            private_copy(path, media / name)
            copied(n, len(wanted))
        for folder in sorted((p for p in media.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        restored(manifest)  # e.g. the audit anchor follows the restored database
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：数据库与 {len(wanted)} 个文件（删除了备份之后新增的 {removed} 个）。"))
