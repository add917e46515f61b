"""资格认证 on the resident's phone (``/self/confirm/``): the recipient proves who they are
with the query code and the last 4 ID characters (the progress query's own check and rate
limits, :func:`.services.progress_find`), then sends a photo of themselves holding the ID
card, the location and what changed; ``recertify`` does the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jiuzhu.applications.views import mask_name
from jiuzhu.audit.context import client_ip
from jiuzhu.core.errors import ServiceError
from jiuzhu.recertify.choices import CHANGE_FIELDS
from jiuzhu.recertify.selectors import latest_for_code, open_for_code
from jiuzhu.recertify.services import confirmation_submit

from . import gateway, services
from .forms import TrackForm

SESSION_KEY = "self_confirm"
#: how long a checked code opens the confirmation form
VALID_MINUTES = 30
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ConfirmForm(forms.Form):
    """What the form posts besides the photo (checked again by the service)."""

    latitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    change_note = forms.CharField(required=False, max_length=1000, label=gettext_lazy("变化情况说明"),
                                  widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


def _checked(request: HttpRequest) -> dict[str, Any] | None:
    held = request.session.get(SESSION_KEY) or {}
    at = held.get("at", 0)
    if not held.get("pk") or timezone.now().timestamp() - at > VALID_MINUTES * 60:
        return None
    return held


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the query code and the last 4 characters of the ID number."""
    message, status, latest = "", 200, None
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            code, last4 = form.cleaned_data["code"], form.cleaned_data["last4"]
            try:
                services.progress_find(code=code, last4=last4, ip=client_ip(request))
            except gateway.GatewayUnavailable:
                message, status = _("资格认证暂未开通，请到乡镇（街道）窗口办理"), 503
            except ServiceError as exc:
                message, status = exc.message, exc.status
                if status != 429:  # the code or the digits: named on the field
                    form.add_error("last4", exc.message)
                    status = 422
            else:
                found = open_for_code(code)
                if found is not None:
                    request.session[SESSION_KEY] = {"pk": found.pk, "code": code,
                                                    "at": timezone.now().timestamp()}
                    return redirect("selfservice:confirm_form")
                latest = latest_for_code(code)
                message = _("您现在没有需要认证的记录。") if latest is None else ""
        else:
            status = 422
    else:
        form = TrackForm(initial={"code": request.GET.get("code", "")[:12]})
    return render(request, "selfservice/confirm_start.html", {
        "form": form, "message": message, "latest": latest}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_form(request: HttpRequest) -> HttpResponse:
    """Step 2: the photo with the ID card, the location, the changes."""
    held = _checked(request)
    if held is None:
        return redirect("selfservice:confirm")
    found = open_for_code(held["code"])
    if found is None or found.pk != held["pk"]:
        request.session.pop(SESSION_KEY, None)
        return redirect("selfservice:confirm")
    errors: dict[str, str] = {}
    message, status = "", 200
    checked = {name: False for name, _label in CHANGE_FIELDS}
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        checked = {name: bool(request.POST.get(name)) for name, _label in CHANGE_FIELDS}
        upload = request.FILES.get("photo")
        photo = None
        if upload is not None:
            if (upload.size or 0) > MAX_UPLOAD_BYTES:
                errors["photo"] = _("照片不能超过 10 MB")
            else:
                photo = (upload.name or "photo", upload.read())
        data: dict[str, Any] = {name: "1" if value else "" for name, value in checked.items()}
        data.update({k: request.POST.get(k, "")[:1000] for k in ("latitude", "longitude",
                                                                  "change_note")})
        if not errors:
            try:
                confirmation = confirmation_submit(confirmation=found, data=data, photo=photo)
            except ServiceError as exc:
                errors = {e["path"]: e["message"] for e in exc.errors or []}
                message, status = exc.message, 422
            else:
                request.session.pop(SESSION_KEY, None)
                request.session["self_confirm_done"] = confirmation.pk
                return redirect("selfservice:confirm_done")
        else:
            message, status = errors["photo"], 422
    changes = [{"name": name, "label": label, "checked": checked[name]}
               for name, label in CHANGE_FIELDS]
    return render(request, "selfservice/confirm_form.html", {
        "c": found, "name": mask_name(found.household.head_name), "form": form,
        "changes": changes, "errors": errors, "message": message,
        "change_note": request.POST.get("change_note", "") if request.method == "POST" else ""},
        status=status)


@never_cache
@require_http_methods(["GET"])
def confirm_done(request: HttpRequest) -> HttpResponse:
    from jiuzhu.recertify.models import Confirmation

    pk = request.session.get("self_confirm_done")
    found = Confirmation.objects.filter(pk=pk).first() if pk else None
    if found is None:
        return redirect("selfservice:confirm")
    return render(request, "selfservice/confirm_done.html", {
        "c": found, "changed": bool(found.declared_changes)})
