"""``jiuzhu backup`` and ``jiuzhu restore`` end to end on the test database: back up, change
a row, delete a row and a file, add a row and a file, restore — every row of every table
and every file is as it was. A changed byte in the backup refuses the restore naming the
file; a database with rows is not overwritten without ``--force``."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jiuzhu.accounts.models import User
from jiuzhu.core.management.commands.backup import pg_binary
from jiuzhu.regions.models import Region
from jiuzhu.testing import UserFactory


def every_row() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        tables = {}
        for name in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            tables[name] = sorted(repr(row) for row in cursor.fetchall())
    return tables


def every_file(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_every_row_and_file(tree, media, tmp_path):
    kept = UserFactory(username="kept", role="window_worker", region=tree["town1"])
    UserFactory(username="doomed", role="window_worker", region=tree["town2"])
    default_storage.save("households/2026/12/scan.png", ContentFile(b"\x89PNG scan"))
    default_storage.save("documents/1/document.pdf", ContentFile(b"%PDF-1.7 \x00\xff"))
    rows, files = every_row(), every_file(media)
    assert rows["accounts_user"] and len(files) == 2

    folder = tmp_path / "backup"
    printed = run("backup", str(folder))
    assert "数据库" in printed and "备份完成" in printed
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {e["path"] for e in manifest["files"]} >= {
        "media/households/2026/12/scan.png", "media/documents/1/document.pdf"}
    assert all(len(e["sm3"]) == 64 for e in manifest["files"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.rglob("*") if p.is_file())

    Region.objects.filter(pk=tree["town1"].pk).update(name="被改掉的镇")
    User.objects.filter(username="doomed").delete()
    UserFactory(username="newcomer", role="window_worker", region=tree["town1"])
    default_storage.delete("households/2026/12/scan.png")
    default_storage.save("late/after.txt", ContentFile(b"after the backup"))
    assert every_row() != rows and every_file(media) != files

    with pytest.raises(CommandError, match="--force"):
        run("restore", str(folder))
    assert User.objects.filter(username="newcomer").exists()  # refused: nothing changed

    printed = run("restore", str(folder), "--force")
    assert "恢复完成" in printed
    assert every_row() == rows
    assert every_file(media) == files
    assert User.objects.get(pk=kept.pk).username == "kept"


@pytest.mark.django_db(transaction=True)
def test_a_changed_byte_refuses_the_restore_naming_the_file(tree, media, tmp_path):
    default_storage.save("leads/photo.jpg", ContentFile(b"0123456789"))
    folder = tmp_path / "backup"
    run("backup", str(folder))
    photo = folder / "media" / "leads" / "photo.jpg"
    photo.write_bytes(b"0123456780")  # same size, one byte changed
    Region.objects.filter(pk=tree["town1"].pk).update(name="恢复后应仍是这个名字")
    with pytest.raises(CommandError, match="media/leads/photo.jpg"):
        run("restore", str(folder), "--force")
    assert Region.objects.get(pk=tree["town1"].pk).name == "恢复后应仍是这个名字"

    photo.write_bytes(b"0123456789")
    (folder / "media" / "leads" / "extra.txt").write_bytes(b"smuggled")
    with pytest.raises(CommandError, match="media/leads/extra.txt"):
        run("restore", str(folder), "--force")


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_folder_that_is_not_empty(tree, media, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old").write_text("x")
    with pytest.raises(CommandError, match="为空"):
        run("backup", str(tmp_path / "backup"))


def test_a_missing_pg_dump_is_named(monkeypatch):
    monkeypatch.setenv("PG_DUMP", "/nonexistent/pg_dump")
    with pytest.raises(CommandError, match="找不到 pg_dump.*PG_DUMP"):
        pg_binary("pg_dump")
