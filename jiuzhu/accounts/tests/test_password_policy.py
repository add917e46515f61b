"""Issue #14 item 6: the GB/T 22239 password policy on every change — length, three of
four classes, not the user name, not one of the last five — on the change-password page
and the admin's set-password; the demo password satisfies it."""

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiuzhu.accounts.demo import DEMO_PASSWORD
from jiuzhu.accounts.models import PasswordHistory
from jiuzhu.testing import UserFactory


@pytest.fixture
def approver(tree):
    return UserFactory(username="approver1", role="county_approver", region=tree["county"])


def _messages(password, user):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


@pytest.mark.parametrize("password, says", [
    ("Ab1!xyz", "至少需要 10 个字符"),                  # too short
    ("abcdefghijk1", "至少 3 类"),                      # two classes only
    ("ABCDEFGHIJ!!", "至少 3 类"),
    ("Approver1-2026!", "不能包含用户名"),              # the user name, in any case
    ("1revorppa#Xyz99", "不能包含用户名"),              # or backwards
])
def test_each_rule_refuses(approver, password, says):
    assert says in _messages(password, approver)


@pytest.mark.parametrize("password", ["Ping-an-2026", "qiuzhu#2026x", "XIN_mima_2027", DEMO_PASSWORD])
def test_good_passwords_pass(approver, password):
    assert _messages(password, approver) == ""


def test_none_of_the_last_five(approver):
    used = [f"Mima-{n}-secret" for n in range(6)]
    for password in used:
        assert _messages(password, approver) == ""
        approver.set_password(password)
        approver.save()
    assert PasswordHistory.objects.filter(user=approver).count() == 5  # only hashes, only five
    assert all(h.startswith("md5$") or "$" in h for h in
               PasswordHistory.objects.values_list("password", flat=True))
    for password in used[1:]:  # the current one and the four before it
        assert "最近 5 次" in _messages(password, approver), password
    assert _messages(used[0], approver) == ""  # the sixth-last may come back


def test_change_password_page_applies_the_policy(client, approver, password):
    client.force_login(approver)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": "approver1abc", "new_password2": "approver1abc"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "不能包含用户名" in text and "至少 3 类" in text
    approver.refresh_from_db()
    assert approver.check_password(password)  # unchanged
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": password, "new_password2": password})
    assert "最近 5 次" in response.content.decode()


def test_admin_set_password_applies_the_policy(approver):
    form = AdminPasswordChangeForm(approver, {"password1": "short1A", "password2": "short1A"})
    assert not form.is_valid()
    assert "至少需要 10 个字符" in str(form.errors)
    form = AdminPasswordChangeForm(approver, {"password1": "Zhong-Gao-2026",
                                              "password2": "Zhong-Gao-2026"})
    assert form.is_valid(), form.errors
