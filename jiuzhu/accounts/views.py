from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.audit.context import client_ip
from jiuzhu.audit.services import audit_record

from .forms import LoginForm
from .services import login_is_throttled


def login_view(request):
    """登录: throttled per user name and address; every attempt is audited."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "").strip().lower()
        ip = client_ip(request)
        if login_is_throttled(username=username, ip=ip):
            audit_record(actor=None, actor_name=username, action="login_throttled",
                         detail={"username": username})
            form.errors.clear()
            form.add_error(None, _("登录失败次数过多，请 15 分钟后再试。"))
        elif form.is_valid():
            user = form.get_user()
            with transaction.atomic():
                login(request, user)
                audit_record(actor=user, action="login", detail={"username": user.username},
                             region_path=user.region_path)
            return redirect(request.GET.get("next") or "portal:home")
        else:
            audit_record(actor=None, actor_name=username, action="login_failed",
                         detail={"username": username})
    return render(request, "accounts/login.html", {"form": form})


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

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="password_change",
                     region_path=getattr(self.request.user, "region_path", ""))
        messages.success(self.request, _("密码已修改。"))
        return response
