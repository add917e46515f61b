"""Issue #14 item 6: failures delay the next attempt per user name and per address; they
never lock the account, the owner from another address gets in after a short delay at
most, and is told of the failures at the next sign-in; ``next`` stays on this site."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.models import LoginFailure
from jiuzhu.accounts.throttle import login_wait
from jiuzhu.audit.models import AuditEvent
from jiuzhu.testing import UserFactory

ATTACKER = "10.9.9.9"
OWNER = "10.1.1.1"


@pytest.fixture
def approver(tree):
    return UserFactory(username="approver1", role="county_approver", region=tree["county"])


def _post(client, username, password, ip, next_=""):
    url = reverse("accounts:login") + (f"?next={next_}" if next_ else "")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _failures(n, *, username="approver1", ip=ATTACKER, seconds_ago=0):
    at = timezone.now() - timedelta(seconds=seconds_ago)
    LoginFailure.objects.bulk_create(
        LoginFailure(username=username, ip=ip, at=at) for _ in range(n))


def test_three_failures_are_free_then_the_delay_doubles(approver):
    for n, expected in [(2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (40, settings.LOGIN_DELAY_MAX_SECONDS)]:
        LoginFailure.objects.all().delete()
        _failures(n)
        now = LoginFailure.objects.latest("at").at  # the moment of the last failure
        assert login_wait(username="approver1", ip=ATTACKER, now=now) == expected, n


def test_a_wrong_password_is_recorded_and_the_fourth_attempt_is_told_to_wait(client, approver):
    for _ in range(3):
        response = _post(client, "approver1", "wrong-guess", ATTACKER)
        assert response.status_code == 200
    assert LoginFailure.objects.filter(username="approver1", ip=ATTACKER).count() == 3
    checked = []

    def on_failed(sender, **kwargs):
        checked.append(kwargs)

    user_login_failed.connect(on_failed)
    try:
        response = _post(client, "approver1", "wrong-guess", ATTACKER)
    finally:
        user_login_failed.disconnect(on_failed)
    assert response.status_code == 429
    assert checked == []  # the password was not even checked
    assert "登录尝试过于频繁，请 1 秒后再试" in response.content.decode()
    # refused without checking the password, so it is not a failure: the delay does not grow
    assert LoginFailure.objects.count() == 3
    assert AuditEvent.objects.filter(action="login_throttled").count() == 1


def test_the_attacker_cannot_lock_the_approver_out(client, approver, password):
    # a thousand wrong guesses from the attacker's address, the last one just now
    _failures(1000, seconds_ago=0)
    assert _post(client, "approver1", password, ATTACKER).status_code == 429  # attacker waits
    assert login_wait(username="approver1", ip=ATTACKER) > 200
    # from the approver's own address the delay is a few seconds at most…
    wait = login_wait(username="approver1", ip=OWNER)
    assert 0 < wait <= settings.LOGIN_DELAY_OTHER_SECONDS
    # …and once those seconds have passed the right password signs in
    LoginFailure.objects.update(at=timezone.now() - timedelta(seconds=settings.LOGIN_DELAY_OTHER_SECONDS + 1))
    assert _post(client, "approver1", password, ATTACKER).status_code == 429  # still waits
    response = _post(client, "approver1", password, OWNER)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == approver.pk


def test_one_address_trying_many_names_is_slowed_down(client, approver):
    for i in range(settings.LOGIN_FREE_FAILURES_PER_IP + 2):
        _failures(1, username=f"name{i}")
    assert login_wait(username="somebody-else", ip=ATTACKER) > 0
    assert login_wait(username="somebody-else", ip=OWNER) == 0


def test_failures_before_the_last_sign_in_no_longer_delay(client, approver, password):
    _failures(10, seconds_ago=60)
    approver.last_login = timezone.now() - timedelta(seconds=30)
    approver.save(update_fields=["last_login"])
    assert login_wait(username="approver1", ip=ATTACKER) == 0


def test_the_next_sign_in_tells_of_the_failures_since_the_last(client, approver, password):
    approver.last_login = timezone.now() - timedelta(days=1)
    approver.save(update_fields=["last_login"])
    _failures(2, seconds_ago=3600, username="otheruser")  # not about this user
    _failures(1, seconds_ago=2 * 86400)  # before the last sign-in: not told again
    _failures(7, seconds_ago=3600)
    _failures(2, ip="10.7.7.7", seconds_ago=7200)
    response = _post(client, "approver1", password, OWNER)
    assert response.status_code == 302
    page = client.get(reverse("portal:home")).content.decode()
    assert "自上次登录以来，您的账号有 9 次登录失败" in page
    assert "来自 10.9.9.9，共 7 次" in page and "来自 10.7.7.7，共 2 次" in page
    # told once: the next sign-in has nothing to tell
    client.post(reverse("accounts:logout"))
    _post(client, "approver1", password, OWNER)
    assert "登录失败" not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "http://evil.example/accounts/",
    "https:/evil.example", "javascript:alert(1)",
])
def test_next_never_leads_off_site(client, approver, password, target):
    response = _post(client, "approver1", password, OWNER, next_=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_next_within_the_site_is_followed(client, approver, password):
    response = _post(client, "approver1", password, OWNER, next_="/households/")
    assert response["Location"] == "/households/"
