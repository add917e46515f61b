"""``jiuzhu backup DIR``: the database and every stored file, with an SM3 manifest.

The database: SQLite through its online backup API (``sqlite3.Connection.backup``, a
consistent copy while the server runs), PostgreSQL through ``pg_dump -Fc`` (the binary on
``PATH`` or named by ``PG_DUMP``). The files: everything under ``MEDIA_ROOT`` — uploads,
scans, generated documents (PDF/DOCX), payrolls, archive packages. ``manifest.json`` lists
every file of the backup with its size and SM3 digest, and what the apps add before the
copy (``core.backups.backing_up``: the audit chain's anchor, ``audit_anchor``);
``jiuzhu restore DIR`` checks it before it touches anything. The key files of the encryption at rest are not part of the
backup (they are kept apart from the data on purpose): back them up separately.

DIR must be new or empty; it is created 0700 and its files 0600.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from jiuzhu.core.backups import backing_up
from jiuzhu.core.digests import sm3_file

FORMAT = "jiuzhu-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
CHUNK = 1024 * 1024


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise CommandError(f"不支持的数据库：{vendor}（仅 SQLite 与 PostgreSQL）")
    return vendor


def pg_binary(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``: the environment's ``PG_DUMP``/``PG_RESTORE``,
    else the one on ``PATH``; a clear error when there is none."""
    variable = name.upper()
    found = shutil.which(os.environ.get(variable) or name)
    if not found:
        raise CommandError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（主版本不低于服务器，"
            f"Debian：apt-get install postgresql-client），或用环境变量 {variable} 指明其路径。")
    return found


def pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection options of ``pg_dump``/``pg_restore`` for the current database."""
    params = connection.settings_dict
    args = ["-d", str(params["NAME"])]
    if params.get("HOST"):
        args += ["-h", str(params["HOST"])]
    if params.get("PORT"):
        args += ["-p", str(params["PORT"])]
    if params.get("USER"):
        args += ["-U", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def run_pg(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CommandError(f"{what}失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def files_under(root: Path) -> Iterator[Path]:
    """Every regular file under root, in a stable order (symbolic links are not followed)."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


class Progress:
    """Prints ``label: done/total`` at most every two seconds, and at the end."""

    def __init__(self, out: TextIO | Any, label: str, unit: str) -> None:
        self.out, self.label, self.unit = out, label, unit
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self.last >= 2:
            self.last = now
            share = f"（{done * 100 // total}%）" if total else ""
            self.out.write(f"{self.label}：{done}/{total} {self.unit}{share}")


def private_copy(source: Path, target: Path) -> None:
    """Copy a file into target (0600), its new folders 0700."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out, source.open("rb") as handle:
        shutil.copyfileobj(handle, out, CHUNK)
    target.chmod(0o600)


def sqlite_copy(source: Any, target: Any, progress: Callable[[int, int], None]) -> None:
    """Online backup of one SQLite connection into another, 1,000 pages a step."""
    source.backup(target, pages=1000,
                  progress=lambda _status, remaining, total: progress(total - remaining, total))


class Command(BaseCommand):
    help = ("备份数据库与全部上传、生成的文件到目录 DIR，附 SM3 清单（manifest.json）。"
            "Back up the database and every stored file into DIR, with an SM3 manifest.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", help="备份目录，须不存在或为空 (a new or empty folder)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        target = Path(options["directory"]).resolve()
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise CommandError(f"备份目录须不存在或为空：{target}")
        kind = engine()
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.chmod(0o700)
        self.stdout.write(f"备份到 {target}")
        extra: dict[str, Any] = {}
        backing_up(extra)  # before the copy: e.g. the audit anchor the copy holds at least

        if kind == "sqlite":
            database = target / SQLITE_FILE
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            import sqlite3

            connection.ensure_connection()
            out = sqlite3.connect(database)
            try:
                sqlite_copy(connection.connection, out, Progress(self.stdout, "数据库", "页"))
            finally:
                out.close()
        else:
            database = target / PG_FILE
            dump = pg_binary("pg_dump")
            self.stdout.write(f"数据库：{dump} -Fc …")
            arguments, env = pg_arguments()
            run_pg([dump, "-Fc", "--no-owner", "--no-privileges", "-f", str(database),
                    *arguments], env, "pg_dump ")
            database.chmod(0o600)
        self.stdout.write(f"数据库：{database.stat().st_size:,} 字节")

        media = Path(settings.MEDIA_ROOT)
        stored = list(files_under(media))
        copied = Progress(self.stdout, "文件", "个")
        for n, path in enumerate(stored, 1):
            private_copy(path, target / MEDIA / path.relative_to(media))
            copied(n, len(stored))

        entries: list[dict[str, Any]] = []
        listed = [database, *sorted(files_under(target / MEDIA))]
        digested = Progress(self.stdout, "SM3 清单", "个文件")
        for n, path in enumerate(listed, 1):
            entries.append({"path": path.relative_to(target).as_posix(),
                            "size": path.stat().st_size, "sm3": sm3_file(path)})
            digested(n, len(listed))
        manifest = {"format": FORMAT, "created": timezone.now().isoformat(),
                    "engine": kind, "database": database.name,
                    "python": sys.version.split()[0], **extra, "files": entries}
        descriptor = os.open(target / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False, indent=1)
        total = sum(int(e["size"]) for e in entries)
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：数据库与 {len(entries) - 1} 个文件，共 {total:,} 字节，"
            f"{time.monotonic() - started:.1f} 秒。"))
