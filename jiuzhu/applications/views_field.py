"""The field kit's pages (移动调查): the investigation sent from the phone's queue as JSON
(exactly once, by its submission key), the service worker that keeps the investigation
page working offline, and the navigation links to the household's address."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiuzhu.core.errors import ErrorCode, ServiceError

from . import selectors
from .field import investigation_submit, replayed_submission
from .forms import InvestigationForm, neighbour_rows
from .models import Application
from .survey import HOUSEHOLD_FIELDS, INCOME_LABELS, VEHICLE_LABELS, declared_rows

SW_FILE = "applications/sw.js"


# --- navigation to the household ---------------------------------------------------------------

def navigation_links(address: str, location: dict[str, Any] | None = None) -> dict[str, str]:
    """The phone's map application at the household: ``geo:`` (Android opens the chosen
    map app), 高德 and 百度 web links that hand over to their apps (iPhone); by the
    coordinates when known (WGS-84, as the phone measured them), else a search of the
    address text."""
    address = (address or "").strip()
    text = quote(address)
    lat = (location or {}).get("lat")
    lng = (location or {}).get("lng")
    if lat is not None and lng is not None:
        return {
            "address": address, "by": "coordinates", "lat": str(lat), "lng": str(lng),
            "geo": f"geo:{lat},{lng}?q={lat},{lng}({text})",
            "amap": f"https://uri.amap.com/marker?position={lng},{lat}&name={text}"
                    "&coordinate=wgs84&callnative=1",
            "baidu": f"https://api.map.baidu.com/marker?location={lat},{lng}&title={text}"
                     f"&content={text}&coord_type=wgs84&output=html&src=jiuzhu",
        }
    return {
        "address": address, "by": "address",
        "geo": f"geo:0,0?q={text}",
        "amap": f"https://uri.amap.com/search?keyword={text}&callnative=1",
        "baidu": f"https://api.map.baidu.com/geocoder?address={text}&output=html&src=jiuzhu",
    }


def household_location(application: Application) -> dict[str, Any] | None:
    """Where the household was last found: the location an earlier home investigation of
    the same household recorded (the registry keeps no coordinates)."""
    if (application.investigation or {}).get("location"):
        return application.investigation["location"]
    earlier = (Application.objects.filter(household_id=application.household_id,
                                          investigation_recorded=True)
               .exclude(pk=application.pk).order_by("-pk").values_list("investigation", flat=True)
               .first())
    return (earlier or {}).get("location") if isinstance(earlier, dict) else None


def application_navigation(application: Application) -> dict[str, str]:
    return navigation_links(application.household.address, household_location(application))


# --- the survey as typed on the page -----------------------------------------------------------

def _amount(value: str) -> Any:
    value = (value or "").strip().replace(",", "").replace("，", "")
    if value == "":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return value  # the schema names the field: 应为数字


def survey_from_post(post: Any, household: dict[str, Any]) -> dict[str, Any] | None:
    """The survey fields of the investigation page (``survey__…``) as ``SurveyIn`` data;
    None when the page had no survey section."""
    if post.get("survey__present") != "1":
        return None
    members = []
    for member in household.get("members", []):
        incomes = {}
        for kind in INCOME_LABELS:
            value = _amount(post.get(f"survey__income__{member['member_id']}__{kind}", ""))
            if value is not None:
                incomes[kind] = value
        if incomes:
            members.append({"member_id": member["member_id"], "incomes": incomes})
    survey: dict[str, Any] = {"members": members,
                              "housing": post.get("survey__housing", "").strip(),
                              "living_conditions": post.get("survey__living_conditions", "").strip()}
    vehicles, checked = [], False
    for kind in VEHICLE_LABELS:
        raw = post.get(f"survey__vehicles__{kind}", "").strip()
        if raw == "":
            continue
        checked = True
        count = int(raw) if raw.isdigit() and int(raw) <= 20 else raw
        if isinstance(count, str):
            survey["vehicles"] = count  # the schema names the field
            break
        vehicles += [{"kind": kind}] * count
    else:
        if checked:
            survey["vehicles"] = vehicles
    for name in HOUSEHOLD_FIELDS:
        value = _amount(post.get(f"survey__{name}", ""))
        if value is not None:
            survey[name] = value
    flag = post.get("survey__dilapidated_housing", "")
    if flag in ("yes", "no"):
        survey["dilapidated_housing"] = flag == "yes"
    return survey


def survey_form(household: dict[str, Any], post: Any = None) -> dict[str, Any]:
    """The page's survey section: per input its name, label, the registry's value beside
    it and its value (pre-filled with the registry's; what was posted after an error)."""
    declared = declared_rows(household)

    def value(name: str, default: Any) -> str:
        if post is not None and name in post:
            return str(post.get(name))
        return "" if default is None else str(default)

    members = [{"name": m["name"], "rows": [
        {"name": f"survey__income__{m['member_id']}__{kind}", "label": label,
         "declared": amount, "value": value(f"survey__income__{m['member_id']}__{kind}", amount)}
        for kind, label, amount in m["incomes"]]} for m in declared["members"]]
    counts: dict[str, int] = {}
    for vehicle in declared["vehicles"]:
        counts[vehicle["kind"]] = counts.get(vehicle["kind"], 0) + 1
    vehicles = [{"name": f"survey__vehicles__{kind}", "label": label, "declared": counts.get(kind, 0),
                 "value": value(f"survey__vehicles__{kind}", counts.get(kind, 0))}
                for kind, label in VEHICLE_LABELS.items()]
    fields = [{"name": f"survey__{name}", "label": label, "unit": unit, "declared": amount,
               "value": value(f"survey__{name}", amount)}
              for name, label, unit, amount in declared["fields"]]
    flag = "yes" if declared["dilapidated_housing"] else "no"
    return {"members": members, "vehicles": vehicles, "fields": fields,
            "dilapidated": {"declared": flag, "value": value("survey__dilapidated_housing", flag)},
            "housing": value("survey__housing", ""),
            "living_conditions": value("survey__living_conditions", "")}


def _survey_labels(household: dict[str, Any]) -> dict[str, str]:
    labels = {"survey.vehicles": _("车辆"), "survey.housing": _("居住状况"),
              "survey.living_conditions": _("生活状况"), "survey.dilapidated_housing": _("危房")}
    for name, (label, _unit) in HOUSEHOLD_FIELDS.items():
        labels[f"survey.{name}"] = _(label)
    return labels


def survey_errors(errors: list[dict[str, Any]], survey: dict[str, Any] | None,
                  household: dict[str, Any]) -> list[dict[str, Any]]:
    """Each survey error with the member's name and the income's label in its message
    (``survey.members[0].incomes.wages`` → 王建国 工资性收入：应为数字)."""
    names = {m["member_id"]: m["name"] for m in household.get("members", [])}
    labels = _survey_labels(household)
    out = []
    for error in errors:
        path = str(error.get("path") or "")
        parts = re.sub(r"\[(\d+)\]", r".\1", path).split(".")
        label = labels.get(".".join(parts[:2]))
        if parts[:2] == ["survey", "members"] and len(parts) >= 3 and parts[2].isdigit() and survey:
            index = int(parts[2])
            members = survey.get("members") or []
            member_id = members[index].get("member_id", "") if index < len(members) else ""
            label = names.get(member_id, member_id)
            if len(parts) >= 5:
                label = f"{label} {INCOME_LABELS.get(parts[4], parts[4])}"
        if label and path.startswith("survey"):
            error = {**error, "message": _("%(label)s：%(message)s") % {"label": label,
                                                                       "message": error["message"]}}
        out.append(error)
    return out


# --- one submission --------------------------------------------------------------------------

def submission(request: HttpRequest, application: Application,
               form: InvestigationForm) -> dict[str, Any]:
    """The arguments of ``field.investigation_submit`` from the page's POST."""
    from jiuzhu.households.serializers import household_to_dict

    data, files = form.to_service()
    registry = household_to_dict(application.household)
    survey = survey_from_post(request.POST, registry)
    if survey is not None:
        data["survey"] = survey
    signatures = request.POST.getlist("neighbour_signature")
    for index, visit in enumerate(data["neighbour_visits"]):
        visit["signature"] = signatures[index] if index < len(signatures) else ""
    return {"key": request.POST.get("submission_key", ""), "data": data, "files": files,
            "videos": [(f.name, b"".join(f.chunks())) for f in request.FILES.getlist("videos")],
            "scans": [(f.name, b"".join(f.chunks())) for f in request.FILES.getlist("scans")]}


def submit(request: HttpRequest, application: Application,
           form: InvestigationForm) -> tuple[Application, bool]:
    """``investigation_submit`` for the page; a survey error names the member and field."""
    from jiuzhu.households.serializers import household_to_dict

    arguments = submission(request, application, form)
    try:
        return investigation_submit(actor=request.user, application_id=application.pk, **arguments)
    except ServiceError as error:
        if error.code == ErrorCode.VALIDATION and any(
                str(e.get("path", "")).startswith("survey") for e in error.errors):
            errors = survey_errors(error.errors, arguments["data"].get("survey"),
                                   household_to_dict(application.household))
            raise ServiceError(error.code, errors[0]["message"], errors) from None
        raise


def _done_url(request: HttpRequest, application: Application) -> str:
    if getattr(request.user, "is_outside", False):
        return reverse("applications:my_investigations")
    return reverse("applications:detail", args=[application.pk])


@require_POST
@never_cache
def investigate_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone's queue sends a recorded investigation here (multipart, the page's fields
    plus ``submission_key``): JSON ``{status: recorded|replayed, message, url}``; 422
    ``{status: invalid, message, errors: [{path, message}]}`` changes nothing; the login
    page when the session ended (the queue keeps the item until the investigator logs in
    again)."""
    if not request.user.is_authenticated:  # the queue sees the login page: 需重新登录
        return redirect_to_login(request.get_full_path())
    try:
        application = selectors.application_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None
    if not request.user.has_perm("applications.record_investigation", application):
        return JsonResponse({"status": "refused", "message": _("只有调查员可以录入入户调查")}, status=403)
    key = request.POST.get("submission_key", "")
    if key and replayed_submission(application, key):  # before any check of the fields
        return JsonResponse({"status": "replayed", "message": _("入户调查已录入。"),
                             "number": application.number, "url": _done_url(request, application)})
    form = InvestigationForm(request.POST, photos=request.FILES.getlist("photos"),
                             neighbours=neighbour_rows(request.POST))
    if not form.is_valid():
        errors = [{"path": name, "message": str(message)}
                  for name, messages in form.errors.items() for message in messages]
        return JsonResponse({"status": "invalid", "message": errors[0]["message"], "errors": errors},
                            status=422)
    try:
        application, replayed = submit(request, application, form)
    except ServiceError as error:
        return JsonResponse({"status": "invalid" if error.code == ErrorCode.VALIDATION else "refused",
                             "message": error.message, "errors": error.errors}, status=error.status)
    if not replayed:  # shown on the page the phone opens next
        messages.success(request, _("入户调查已录入。"))
    return JsonResponse({"status": "replayed" if replayed else "recorded",
                         "message": _("入户调查已录入。"), "number": application.number,
                         "url": _done_url(request, application)})


def page_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """What the investigation page adds for the field kit: navigation, the survey beside
    the registry, the submission key (a page sent twice records once; the offline queue
    makes its own key per submission) and the queue's endpoint."""
    from jiuzhu.households.serializers import household_to_dict

    registry = household_to_dict(application.household)
    post = request.POST if request.method == "POST" else None
    return {"navigation": application_navigation(application), "survey": survey_form(registry, post),
            "submission_key": request.POST.get("submission_key") or uuid.uuid4().hex,
            "submit_url": reverse("applications:investigate_submit", args=[application.pk]),
            "video_limit": {"mb": 20, "seconds": 60}}


# --- the service worker ------------------------------------------------------------------------

def service_worker(request: HttpRequest) -> HttpResponse:
    """``/applications/investigations/sw.js``: the static worker script, allowed the scope
    ``/applications/`` that covers the investigation pages (``Service-Worker-Allowed``),
    never kept by the browser's HTTP cache so an update is seen at once; for the people
    of 我的调查 only (the predicate of that page)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("applications.view_my_investigations"):
        raise PermissionDenied(_("只有被指派入户调查的人员使用“我的调查”"))
    found = finders.find(SW_FILE)
    if not found:
        raise Http404(SW_FILE)
    body = Path(found if isinstance(found, str) else found[0]).read_text(encoding="utf-8")
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/applications/"
    response["Cache-Control"] = "no-cache"
    return response
