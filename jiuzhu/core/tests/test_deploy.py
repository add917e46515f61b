"""deploy/: the systemd units and the nginx site a county's IT installs as they are. Their
essentials are checked against the project: the commands they run exist, the paths and the
environment match the settings, uploads are never served by nginx."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.PROJECT_DIR) / "deploy"
UNITS = DEPLOY / "systemd"
NGINX = DEPLOY / "nginx" / "jiuzhu.conf"
ENV_FILE = "/etc/jiuzhu/jiuzhu.env"
VENV_BIN = "/opt/jiuzhu/.venv/bin/"


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys may repeat; lines continued with
    a backslash are joined; comments dropped)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    text = re.sub(r"\\\n\s*", " ", (UNITS / name).read_text(encoding="utf-8"))
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def services() -> list[str]:
    return sorted(p.name for p in UNITS.glob("*.service"))


def nginx_conf() -> str:
    """The nginx site without its comments."""
    return re.sub(r"#[^\n]*", "", NGINX.read_text(encoding="utf-8"))


def env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "jiuzhu.env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_the_expected_files_are_there():
    assert {"jiuzhu-web.service", "jiuzhu-worker@.service", "jiuzhu-migrate.service",
            "jiuzhu-schedule.service", "jiuzhu-backup.service"} <= set(services())
    assert (UNITS / "jiuzhu.target").exists() and NGINX.exists()
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "部署" in readme and "Deployment" in readme  # Chinese and English steps


@pytest.mark.parametrize("name", services())
def test_every_service_runs_commands_of_this_project(name):
    service = unit(name)["Service"]
    assert ENV_FILE in service["EnvironmentFile"]
    assert service["User"] == ["jiuzhu"]
    assert service.get("ProtectSystem") == ["strict"]  # writes only where it says
    commands = get_commands()
    for line in service["ExecStart"]:
        if line.startswith("/bin/sh -c"):
            line = shlex.split(line)[2].removeprefix("exec ")
        argv = shlex.split(line)
        if argv[0] == VENV_BIN + "jiuzhu":
            assert argv[1] in commands, f"{name}: jiuzhu {argv[1]} is no command"
        elif argv[0] == VENV_BIN + "gunicorn":
            module, _, attribute = argv[1].partition(":")
            assert callable(getattr(importlib.import_module(module), attribute))
        else:
            assert argv[0] in ("/bin/chmod",), f"{name}: unexpected {argv[0]}"


def test_the_web_application_and_the_workers():
    web = unit("jiuzhu-web.service")["Service"]
    argv = shlex.split(web["ExecStart"][0])
    assert argv[1] == settings.WSGI_APPLICATION.replace(".application", ":application")
    assert argv[argv.index("--workers") + 1] == "${JIUZHU_WEB_WORKERS}"
    assert "JIUZHU_WEB_WORKERS=5" in web["Environment"]  # a default the env file may change
    timeout = int(argv[argv.index("--timeout") + 1])
    nginx = nginx_conf()
    read_timeout = int(re.search(r"proxy_read_timeout\s+(\d+)s;", nginx).group(1))
    assert read_timeout > timeout  # gunicorn answers (or times out) before nginx gives up
    worker = unit("jiuzhu-worker@.service")
    argv = shlex.split(worker["Service"]["ExecStart"][0])
    assert argv[1] == "db_worker" and "%i" in argv[argv.index("--worker-id") + 1]
    assert "jiuzhu.target" in worker["Install"]["WantedBy"]
    # the daily task is queued at every start and by a daily safety-net timer
    migrate = unit("jiuzhu-migrate.service")["Service"]["ExecStart"]
    assert [shlex.split(line)[1] for line in migrate if line.startswith(VENV_BIN)] == [
        "migrate", "collectstatic", "schedule_daily"]
    assert "jiuzhu-schedule.timer" in {p.name for p in UNITS.glob("*.timer")}


def test_the_environment_file_names_settings_that_exist():
    source = (Path(settings.BASE_DIR) / "settings.py").read_text(encoding="utf-8")
    crypto = (Path(settings.BASE_DIR) / "core" / "crypto.py").read_text(encoding="utf-8")
    values = env_example()
    assert {"DATABASE_URL", "JIUZHU_DATA_DIR", "JIUZHU_DATA_KEY", "JIUZHU_STATIC_ROOT",
            "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "HTTPS",
            "TRUSTED_PROXIES"} <= set(values)
    units = "".join((UNITS / name).read_text(encoding="utf-8") for name in services())
    for key in values:
        assert f'"{key}"' in source or f'"{key}"' in crypto or "${" + key + "}" in units, key
    assert values["TRUSTED_PROXIES"] == "1" and values["HTTPS"] == "true"  # behind nginx
    assert values["CSRF_TRUSTED_ORIGINS"].startswith("https://")


def test_nginx_serves_static_files_from_static_root_and_never_uploads():
    nginx = nginx_conf()
    static = re.search(r"location\s+(\S+)\s*\{\s*alias\s+(\S+);", nginx)
    assert static is not None
    assert static.group(1) == settings.STATIC_URL
    root = static.group(2).rstrip("/")
    assert root == env_example()["JIUZHU_STATIC_ROOT"]
    assert Path(root).name == Path(settings.STATIC_ROOT).name == "static"
    # the units let collectstatic write there and make it readable for nginx
    migrate = (UNITS / "jiuzhu-migrate.service").read_text(encoding="utf-8")
    assert str(Path(root).parent) in migrate and "chmod -R u=rwX,go=rX" in migrate
    # uploads: only one alias (static), /media/ answers 404, media files stay with Django
    assert nginx.count("alias ") == 1 and str(settings.MEDIA_URL) in nginx
    assert re.search(r"location /media/ \{ return 404; \}", nginx)
    assert "JIUZHU_DATA_DIR" not in nginx and "/var/lib/jiuzhu" not in nginx


def test_nginx_tls_redirect_proxy_headers_and_upload_size():
    nginx = nginx_conf()
    assert re.search(r"listen 80;.*?return 301 https://\$host\$request_uri;", nginx, re.S)
    assert "listen 443 ssl" in nginx
    assert re.search(r"ssl_certificate\s+/etc/jiuzhu/tls/\S+;", nginx)
    assert re.search(r"ssl_certificate_key\s+/etc/jiuzhu/tls/\S+;", nginx)
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "proxy_set_header Host $host;" in nginx
    size = re.search(r"client_max_body_size\s+(\d+)m;", nginx)
    assert size is not None and int(size.group(1)) * 1024 * 1024 > settings.IMPORT_MAX_BYTES
    upstream = re.search(r"upstream jiuzhu_app \{\s*server (\S+)", nginx)
    web = unit("jiuzhu-web.service")["Service"]
    assert upstream is not None and f"JIUZHU_BIND={upstream.group(1)}" in web["Environment"]


def test_settings_behind_the_proxy(monkeypatch, tmp_path):
    """With the environment file's values, Django trusts nginx's X-Forwarded-Proto, takes the
    host names and origins from it, and is HTTPS-only."""
    import runpy

    for key, value in env_example().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("JIUZHU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIUZHU_STATIC_ROOT", str(tmp_path / "static"))
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    loaded = runpy.run_path(str(Path(settings.BASE_DIR) / "settings.py"))
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert loaded["ALLOWED_HOSTS"] == ["jiuzhu.example.gov.cn"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://jiuzhu.example.gov.cn"]
    assert loaded["SESSION_COOKIE_SECURE"] and loaded["SECURE_SSL_REDIRECT"]
    assert loaded["STATIC_ROOT"] == (tmp_path / "static").resolve()
    assert loaded["DATABASES"]["default"]["HOST"] == "db.example.internal"
