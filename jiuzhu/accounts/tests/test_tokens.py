from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jiuzhu.accounts.models import ApiToken


def test_token_create_prints_a_working_token(client, window_worker):
    out = StringIO()
    call_command("token", "create", "--user", "window1", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("jz_")
    assert ApiToken.objects.get().digest != token  # only the hash is stored
    response = client.get("/api/v1/households/999999", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="不存在"):
        call_command("token", "create", "--user", "nobody")


def test_api_refuses_a_bad_token(client, tree):
    response = client.get("/api/v1/households/1", HTTP_AUTHORIZATION="Bearer jz_wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def _token(*args):
    out = StringIO()
    call_command("token", "create", "--user", "window1", *args, stdout=out)
    return out.getvalue().strip()


def test_a_token_expires(client, window_worker):
    from datetime import timedelta

    from django.utils import timezone

    token = _token("--days", "30")
    row = ApiToken.objects.get()
    assert timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)
    assert client.get("/api/v1/households/999999",
                      HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/households/999999", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_tokens_expire_by_default(window_worker, settings):
    from datetime import timedelta

    from django.utils import timezone

    _token()
    left = ApiToken.objects.get().expires_at - timezone.now()
    assert timedelta(days=settings.API_TOKEN_DAYS - 1) < left <= timedelta(days=settings.API_TOKEN_DAYS)


def test_a_read_only_token_reads_but_may_not_write(client, window_worker):
    token = _token("--scope", "read")
    assert ApiToken.objects.get().scope == "read"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/households/999999", **auth).status_code == 404
    response = client.post("/api/v1/households", data={}, content_type="application/json", **auth)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden" and "只读" in body["message"] and "scope" in body["message"]
    assert body["scope"] == "read"
    # a write token gets past authentication to the validation of the body
    write = _token("--scope", "write")
    response = client.post("/api/v1/households", data={}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {write}")
    assert response.status_code == 422


def test_bad_scope_or_days_are_refused(window_worker):
    with pytest.raises(CommandError, match="有效天数"):
        _token("--days", "0")
    assert not ApiToken.objects.exists()
