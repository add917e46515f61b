import pytest

from jiuzhu.accounts.services import token_create


@pytest.fixture
def api(client, window_worker):
    token = token_create(user=window_worker)

    class Api:
        def post(self, path, body, token=token):
            import json

            return client.post(path, data=json.dumps(body, default=float),
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")

        def get(self, path, token=token):
            return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")

    return Api()
