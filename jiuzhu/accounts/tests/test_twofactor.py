"""Issue #14 item 5: the second factor. Off in a county without a policy (the demo county),
so nobody is blocked; turned on, an approver is sent to enrolment (QR code, secret, a code
confirms it, ten recovery codes shown once and stored hashed) and at the next sign-in to
verification, where a TOTP code or a recovery code (once) completes the sign-in."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.accounts import twofactor
from jiuzhu.accounts.models import SecondFactorPolicy
from jiuzhu.audit.models import AuditEvent
from jiuzhu.testing import UserFactory


@pytest.fixture
def approver(tree):
    return UserFactory(username="approver1", role="county_approver", region=tree["county"])


@pytest.fixture
def required(tree):
    return SecondFactorPolicy.objects.create(region=tree["county"], mode="required_roles")


def _login(client, password, username="approver1", next_=""):
    url = reverse("accounts:login") + (f"?next={next_}" if next_ else "")
    return client.post(url, {"username": username, "password": password})


def _code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_off_by_default_an_approver_signs_in_with_the_password(client, approver, password):
    assert twofactor.policy_mode(approver) == "off"
    response = _login(client, password)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert "_auth_user_id" in client.session


def test_required_roles_only(tree, required, approver, window_worker):
    assert twofactor.is_required(approver)
    assert not twofactor.is_required(window_worker)  # optional for the others
    for role in ("township_reviewer", "verification_officer", "administrator"):
        assert twofactor.is_required(UserFactory(role=role, region=tree["town1"]))
    # a township's own policy wins over the county's
    SecondFactorPolicy.objects.create(region=tree["town1"], mode="off")
    assert not twofactor.is_required(UserFactory(role="township_reviewer", region=tree["village1"]))


def test_required_approver_enrols_then_verifies(client, required, approver, password):
    response = _login(client, password, next_="/households/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_enrol")
    assert "_auth_user_id" not in client.session  # not signed in before the second factor
    assert client.get(reverse("portal:home")).status_code == 302  # nothing else is open

    page = client.get(reverse("accounts:otp_enrol"))
    text = page.content.decode()
    assert "<svg" in text and "启用二次验证" in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)  # the QR code is no inline script
    device = TOTPDevice.objects.get(user=approver, confirmed=False)
    assert twofactor.secret_text(device).replace(" ", "") in text.replace(" ", "")

    wrong = client.post(reverse("accounts:otp_enrol"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    shown = client.post(reverse("accounts:otp_enrol"), {"code": _code(device)})
    assert shown.status_code == 200
    codes = shown.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert code in shown.content.decode()
    stored = set(StaticToken.objects.filter(device__user=approver).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes} \
        and not stored & set(codes)  # only hashes are kept
    assert int(client.session["_auth_user_id"]) == approver.pk
    assert shown.context["next"] == "/households/"
    assert AuditEvent.objects.filter(action="login", actor=approver).count() == 1

    # the next sign-in asks for a code after the password
    client.post(reverse("accounts:logout"))
    response = _login(client, password)
    assert response["Location"] == reverse("accounts:otp_verify")
    assert "_auth_user_id" not in client.session
    device = TOTPDevice.objects.get(user=approver)
    bad_code = "000000" if _code(device) != "000000" else "111111"
    bad = client.post(reverse("accounts:otp_verify"), {"code": bad_code})
    assert "验证码错误" in bad.content.decode() and "_auth_user_id" not in client.session
    # a recovery code works once
    ok = client.post(reverse("accounts:otp_verify"), {"code": codes[0]})
    assert ok.status_code == 302 and int(client.session["_auth_user_id"]) == approver.pk
    assert client.get(reverse("portal:home")).status_code == 200
    assert StaticToken.objects.filter(device__user=approver).count() == 9
    client.post(reverse("accounts:logout"))
    _login(client, password)
    again = client.post(reverse("accounts:otp_verify"), {"code": codes[0]})
    assert "验证码错误" in again.content.decode() and "_auth_user_id" not in client.session


def test_verification_with_the_authenticator_code(client, approver, password):
    device = TOTPDevice.objects.create(user=approver, name="TOTP", confirmed=True)
    response = _login(client, password)  # enrolled: asked even where not required
    assert response["Location"] == reverse("accounts:otp_verify")
    ok = client.post(reverse("accounts:otp_verify"), {"code": _code(device)})
    assert ok.status_code == 302 and ok["Location"] == reverse("portal:home")
    assert int(client.session["_auth_user_id"]) == approver.pk
    event = AuditEvent.objects.get(action="login", actor=approver)
    assert event.detail["second_factor"] == "TOTPDevice"


def test_verify_page_without_a_password_goes_to_login(client, approver):
    assert client.get(reverse("accounts:otp_verify"))["Location"] == reverse("accounts:login")
    assert client.post(reverse("accounts:otp_enrol"), {"code": "123456"})["Location"] \
        == reverse("accounts:login")


def test_an_optional_user_may_enrol_from_the_password_page(client, window_worker, password):
    client.force_login(window_worker)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert reverse("accounts:otp_enrol") in page
    client.get(reverse("accounts:otp_enrol"))
    device = TOTPDevice.objects.get(user=window_worker)
    shown = client.post(reverse("accounts:otp_enrol"), {"code": _code(device)})
    assert len(shown.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=window_worker).confirmed
    new = client.post(reverse("accounts:otp_recovery_codes"))
    assert len(new.context["codes"]) == 10 and set(new.context["codes"]).isdisjoint(shown.context["codes"])


def test_the_command_turns_it_on_and_resets_a_lost_phone(client, approver, password):
    from io import StringIO

    from django.core.management import call_command

    call_command("twofactor", "policy", "--region", "990102", "--mode", "required_roles",
                 stdout=StringIO())
    assert twofactor.is_required(approver)
    assert AuditEvent.objects.filter(action="update", detail__second_factor_policy="required_roles").exists()
    TOTPDevice.objects.create(user=approver, name="TOTP", confirmed=True)
    twofactor.new_recovery_codes(approver)
    call_command("twofactor", "reset", "--user", "approver1", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=approver).exists()
    assert not StaticToken.objects.filter(device__user=approver).exists()
    assert _login(client, password)["Location"] == reverse("accounts:otp_enrol")  # enrols again
    call_command("twofactor", "policy", "--region", "990102", "--mode", "off", stdout=StringIO())
    assert not twofactor.is_required(approver)


def test_no_admin_page_shows_a_second_factor(client, superuser, tree):
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
    device = TOTPDevice.objects.create(user=superuser, name="TOTP", confirmed=True)
    client.force_login(superuser)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404


def test_the_admin_signs_in_through_the_one_sign_in_page(client, superuser, password):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/admin/"
    client.post("/admin/login/?next=/admin/", {"username": "root", "password": password})
    assert "_auth_user_id" not in client.session  # the admin's own form signs nobody in


def test_verify_page_when_signed_in_goes_home(client, approver):
    """Nothing to verify for a signed-in user: home, not the sign-in page (the outside-user
    sweep flags a signed-in user sent to sign in)."""
    client.force_login(approver)
    assert client.get(reverse("accounts:otp_verify"))["Location"] == "/"
