"""Headers and files (issue #14, 9): a Content-Security-Policy without inline scripts on
every response, no template with an inline script or handler, ``check --deploy`` clean
when HTTPS is set, and the data folder's files (database, its WAL, uploads, the secret key)
0600 in 0700 folders, whatever the umask the process was started with."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # jiuzhu/
TEMPLATES = sorted(p for p in PACKAGE.rglob("*.html") if "static" not in p.parts)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+|hx-on[:\-a-z]*)\s*=", re.DOTALL)
STYLE_WITHOUT_NONCE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (HANDLER, "inline handler"),
                              (STYLE_WITHOUT_NONCE, "<style> without the CSP nonce")):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {what}: {match.group(0)[:80]}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_inline_scripts(client):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["style-src-elem"]
    assert "'unsafe-eval'" not in policy


SCRIPT = """
import json, os, stat, django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x integer)")
    cursor.execute("INSERT INTO t VALUES (1)")
default_storage.save("households/2026/12/scan.png", ContentFile(b"scan"))
modes = {}
for folder, dirs, files in os.walk(settings.DATA_DIR):
    for name in [folder, *(os.path.join(folder, f) for f in files)]:
        rel = os.path.relpath(name, settings.DATA_DIR)
        modes[rel] = oct(stat.S_IMODE(os.stat(name).st_mode))
print(json.dumps(modes))
"""


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # set by the browser tests' process
    env.update(DJANGO_SETTINGS_MODULE="jiuzhu.settings", JIUZHU_DATA_DIR=str(tmp_path / "data"),
               **extra)
    return env


def test_the_database_uploads_and_key_are_private_whatever_the_umask(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # an older installation: a world-readable data folder and database
    old = data / "jiuzhu.sqlite3"
    old.touch()
    old.chmod(0o644)
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=_environment(tmp_path),
                          capture_output=True, text=True, umask=0o022, check=False)
    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"jiuzhu.sqlite3", "jiuzhu.sqlite3-wal", "secret_key",
            "media/households/2026/12/scan.png"} <= set(modes)
    wrong = {name: mode for name, mode in modes.items()
             if mode != ("0o700" if (data / name).is_dir() else "0o600")}
    assert not wrong, wrong
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_check_deploy_is_clean_when_https_is_set(tmp_path):
    env = _environment(tmp_path, HTTPS="true", ALLOWED_HOSTS="jiuzhu.example.gov.cn",
                       SECRET_KEY="k" * 20 + "secret-key-long-and-random-enough-" + "z9" * 10)
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy",
                           "--fail-level", "WARNING"], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout
