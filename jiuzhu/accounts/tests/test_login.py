import pytest
from django.conf import settings
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent


def test_login_page_is_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_pages_need_login(client, tree):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_login_logout_are_audited(client, window_worker, password):
    response = client.post(reverse("accounts:login"),
                           {"username": "window1", "password": password})
    assert response.status_code == 302
    home = client.get(reverse("portal:home"))
    assert "window_worker" not in home.content.decode()  # the role shows as its label
    assert "全科社工" in home.content.decode()
    client.post(reverse("accounts:logout"))
    actions = list(AuditEvent.objects.filter(actor=window_worker)
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["login", "logout"]
    assert AuditEvent.objects.filter(action="login").first().ip == "127.0.0.1"


def test_wrong_password_is_refused_in_chinese(client, window_worker):
    response = client.post(reverse("accounts:login"),
                           {"username": "window1", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").count() == 1


def test_password_change(client, window_worker, password):
    client.force_login(window_worker)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"})
    assert response.status_code == 302
    window_worker.refresh_from_db()
    assert window_worker.check_password("Xin-mima-2026!")


def test_idle_sessions_expire():
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


@pytest.mark.parametrize("language, word", [("en", "Log in"), ("zh-hant", "登錄")])
def test_language_can_be_switched(client, language, word):
    switched = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert switched.status_code == 302
    response = client.get(reverse("accounts:login"))
    assert word in response.content.decode()


def test_chinese_by_default_whatever_the_browser_says(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
    assert "Log in" not in response.content.decode()
