from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from jiuzhu.audit.context import client_ip
from jiuzhu.audit.services import audit_record

from . import twofactor
from .forms import LoginForm
from .models import User
from .throttle import failures_since, login_failed, login_wait, normalise

#: The session key of a sign-in waiting for its second factor, and how long it may wait.
PENDING = "jz_pending_login"
PENDING_SECONDS = 300


def safe_next(request) -> str:
    """``next`` when it is a path of this site, else the home page (never off-site)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("portal:home")


def _notice(request, user: User, since) -> None:
    """Tell the user of the failed sign-ins of their name since their previous one."""
    rows = failures_since(user, since)
    if not rows:
        return
    total = sum(r["count"] for r in rows)
    parts = [_("%(time)s 来自 %(ip)s，共 %(count)d 次") % {
        "time": date_format(timezone.localtime(r["last"]), "Y-m-d H:i"),
        "ip": r["ip"] or _("未知地址"), "count": r["count"]} for r in rows[:5]]
    messages.warning(request, _("自上次登录以来，您的账号有 %(count)d 次登录失败（最近一次时间、地址、次数）：%(list)s。"
                                "如非本人操作，请立即修改密码。")
                     % {"count": total, "list": "；".join(parts)})


def _complete(request, user: User, target: str, device=None):
    """Sign ``user`` in (with the second-factor ``device`` if one was used), audit it, tell
    of the failed attempts since the previous sign-in, and go to ``target``."""
    previous = user.last_login
    with transaction.atomic():
        request.session.pop(PENDING, None)
        login(request, user, backend="jiuzhu.accounts.backends.PasswordBackend")
        if device is not None:
            otp_login(request, device)
        detail = {"username": user.username}
        if device is not None:
            detail["second_factor"] = type(device).__name__
        audit_record(actor=user, action="login", detail=detail, region_path=user.region_path)
    _notice(request, user, previous)
    return redirect(target)


def _pending_user(request) -> tuple[User | None, str]:
    """The user who gave the right password and still owes the second factor."""
    pending = request.session.get(PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, ""
    user = User.objects.select_related("region").filter(pk=pending["user"], is_active=True).first()
    return user, pending.get("next") or reverse("portal:home")


def login_view(request):
    """登录: failures delay the next attempt (per user name and address, never a lockout);
    a second factor follows the password where required or enrolled; every attempt is
    audited; ``next`` only within this site."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = LoginForm(request, data=request.POST or None)
    status, refusal = 200, ""
    if request.method == "POST":
        username = normalise(request.POST.get("username", ""))
        ip = client_ip(request)
        wait = login_wait(username=username, ip=ip)
        if wait:
            audit_record(actor=None, actor_name=username, action="login_throttled",
                         detail={"username": username, "wait_seconds": wait})
            # an unbound form: the password is not even looked at
            form = LoginForm(request, initial={"username": username})
            refusal = _("登录尝试过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": wait}
            status = 429
        elif form.is_valid():
            user = form.get_user()
            target = safe_next(request)
            step = twofactor.next_step(user)
            if step is None:
                return _complete(request, user, target)
            request.session.cycle_key()
            request.session[PENDING] = {"user": user.pk, "next": target, "at": time.time()}
            return redirect("accounts:otp_verify" if step == "verify" else "accounts:otp_enrol")
        else:
            login_failed(username=username, ip=ip)
            audit_record(actor=None, actor_name=username, action="login_failed",
                         detail={"username": username})
    return render(request, "accounts/login.html", {"form": form, "refusal": refusal},
                  status=status)


def otp_verify_view(request):
    """二次验证: the code of the authenticator app, or one of the recovery codes."""
    user, target = _pending_user(request)
    if user is None:  # nothing to verify: a signed-in user goes home, anyone else signs in
        return redirect("/" if request.user.is_authenticated else "accounts:login")
    error = ""
    if request.method == "POST":
        device = twofactor.verify(user, request.POST.get("code", ""))
        if device is not None:
            return _complete(request, user, target, device)
        login_failed(username=user.username, ip=client_ip(request))
        audit_record(actor=None, actor_name=user.username, action="login_failed",
                     detail={"username": user.username, "second_factor": "wrong_code"})
        error = _("验证码错误或已失效，请重新输入。")
    return render(request, "accounts/otp_verify.html", {"error": error, "user_name": user})


def otp_enrol_view(request):
    """启用二次验证: the QR code and secret of a new TOTP device, confirmed by a code from
    it; then the ten recovery codes, shown this once. Reached while signing in (when it is
    required) or by a signed-in user who chooses it."""
    pending, target = _pending_user(request)
    user = pending or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect("accounts:login")
    if pending is None and twofactor.totp_device(user) is not None:
        messages.info(request, _("您已启用二次验证。"))
        return redirect("portal:home")
    device = twofactor.enrolment_device(user)
    error = ""
    if request.method == "POST":
        codes = twofactor.confirm_enrolment(user, device, request.POST.get("code", ""))
        if codes is not None:
            if pending is not None:
                _complete(request, user, target, device)
            else:
                otp_login(request, device)
                target = reverse("portal:home")
            return render(request, "accounts/otp_codes.html", {"codes": codes, "next": target})
        error = _("验证码不正确，请用验证器应用当前显示的 6 位数字重试。")
    return render(request, "accounts/otp_enrol.html", {
        "qr": twofactor.qr_svg(device), "secret": twofactor.secret_text(device),
        "error": error, "required": pending is not None})


@login_required
@require_POST
def otp_recovery_codes_view(request):
    """重新生成恢复码: the old ones stop working; the new ones are shown this once."""
    if not isinstance(request.user, User) or twofactor.totp_device(request.user) is None:
        return redirect("accounts:otp_enrol")
    codes = twofactor.new_recovery_codes(request.user)
    return render(request, "accounts/otp_codes.html", {"codes": codes, "next": reverse("portal:home")})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="logout", region_path=request.user.region_path)
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def get_success_url(self):
        return "/"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["has_second_factor"] = (isinstance(user, User)
                                        and twofactor.totp_device(user) is not None)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="password_change",
                     region_path=getattr(self.request.user, "region_path", ""))
        messages.success(self.request, _("密码已修改。"))
        return response
