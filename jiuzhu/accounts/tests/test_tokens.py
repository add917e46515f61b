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
