"""Public pages (no login) for residents on a phone: apply online (网上办) in four short
steps and follow the progress with the query code (进度查询)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jiuzhu.accounts.views import safe_next
from jiuzhu.applications.attachments import sniff
from jiuzhu.applications.views import mask_name
from jiuzhu.audit.context import client_ip
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.choices import Relation

from . import drafts, gateway, selfcheck, services
from .forms import (
    CHECK_MAX_MEMBERS,
    INCOME_SOURCES,
    MAX_MEMBERS,
    CheckForm,
    CheckMemberForm,
    HouseholdForm,
    IdentityForm,
    ItemsForm,
    MemberForm,
    TrackForm,
)
from .selectors import catalogue_by_department, items_named, materials_for, townships_with_villages

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
STEP_TITLES = (("identity", gettext_lazy("申请人")), ("household", gettext_lazy("家庭")),
               ("items", gettext_lazy("事项")), ("uploads", gettext_lazy("材料")),
               ("review", gettext_lazy("确认")))
# Where each error path of the services is fixed.
STEP_OF_PATH = {"identity": "identity", "consent": "identity", "id_number": "identity",
                "phone": "identity", "applicant": "identity", "members": "household",
                "village": "household", "address": "household", "household_data": "household",
                "items": "items", "material": "uploads", "files": "uploads",
                "monthly_income": "household"}


def _page(request: HttpRequest, template: str, step: str, context: dict[str, Any],
          status: int = 200) -> HttpResponse:
    draft = drafts.draft_get(request.session)
    open_step = drafts.step_open(draft)
    steps = [{"key": key, "title": title, "number": n + 1, "current": key == step,
              "reachable": drafts.may_open(draft, key)}
             for n, (key, title) in enumerate(STEP_TITLES)]
    # Every page says "step n of N" from the same list the step bar is drawn from.
    number = next(s["number"] for s in steps if s["key"] == step)
    return render(request, template, {"step": step, "steps": steps, "open_step": open_step,
                                      "step_number": number, "step_total": len(steps),
                                      **context}, status=status)


def _guard(request: HttpRequest, step: str) -> HttpResponse | None:
    draft = drafts.draft_get(request.session)
    if not drafts.may_open(draft, step):
        return redirect(f"selfservice:{drafts.step_open(draft)}")
    return None


def _raw(request: HttpRequest, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: request.POST.get(name, "")[:500] for name in names}


@never_cache
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    """Step 1: who applies, and the consent to the economic-status verification."""
    draft = drafts.draft_get(request.session)
    if request.method == "POST":
        raw = _raw(request, ("name", "id_number", "phone"))
        raw["consent"] = "on" if request.POST.get("consent") else ""
        draft["raw"]["identity"] = raw
        form = IdentityForm(request.POST)
        if form.is_valid() and not form.cleaned_data.get("website"):
            data = {k: form.cleaned_data[k] for k in ("name", "id_number", "phone")}
            data["consent"] = True
            draft["identity"] = data
            draft["consent_at"] = timezone.now().isoformat()
            drafts.draft_save(request.session, draft)
            return redirect("selfservice:household")
        draft.pop("identity", None)
        drafts.draft_save(request.session, draft)
        return _page(request, "selfservice/identity.html", "identity", {"form": form}, 422)
    raw = draft["raw"].get("identity") or {}
    form = IdentityForm(initial={**raw, "consent": bool(raw.get("consent"))})
    return _page(request, "selfservice/identity.html", "identity", {"form": form})


def _member_rows(draft: dict[str, Any]) -> list[dict[str, str]]:
    rows = (draft["raw"].get("household") or {}).get("members")
    who = draft.get("identity") or {}
    if rows:
        first = rows[0]
        if not first.get("name") and not first.get("id_number"):  # carried from 我能申请吗
            rows = [{**first, "name": who.get("name", ""),
                     "id_number": who.get("id_number", "")}, *rows[1:]]
        return rows
    return [{"name": who.get("name", ""), "id_number": who.get("id_number", ""),
             "relation": "head", "health": "healthy", "occupation": "none",
             "income_source": "wages"}]


@never_cache
@require_http_methods(["GET", "POST"])
def household(request: HttpRequest) -> HttpResponse:
    """Step 2: where the family lives and who belongs to it."""
    if (response := _guard(request, "household")) is not None:
        return response
    draft = drafts.draft_get(request.session)
    townships = townships_with_villages()
    if request.method == "GET":
        raw = draft["raw"].get("household") or {}
        form = HouseholdForm(initial=raw, townships=townships)
        members = [MemberForm(initial=row, prefix=f"m{i}")
                   for i, row in enumerate(_member_rows(draft))]
        return _page(request, "selfservice/household.html", "household",
                     {"form": form, "members": members, "members_error": ""})

    try:
        count = min(max(int(request.POST.get("member_count", "1")), 1), MAX_MEMBERS)
    except ValueError:
        count = 1
    raw = _raw(request, ("township", "village", "address", "notes"))
    raw["members"] = [{name: request.POST.get(f"m{i}-{name}", "")[:50]
                       for name in MemberForm.FIELDS} for i in range(count)]
    action = request.POST.get("action")
    adding = action == "add_member"
    if adding and count < MAX_MEMBERS:
        raw["members"].append({"relation": "", "health": "healthy", "occupation": "none",
                               "income_source": "wages"})
    draft["raw"]["household"] = raw
    if action == "back":
        drafts.draft_save(request.session, draft)
        return redirect("selfservice:identity")
    if adding:
        drafts.draft_save(request.session, draft)
        return redirect(f"{request.path}#m{len(raw['members']) - 1}")

    form = HouseholdForm(request.POST, townships=townships)
    members = [MemberForm(request.POST, prefix=f"m{i}") for i in range(count)]
    members_error = ""
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    valid = form.is_valid()
    for index, member in enumerate(members):
        if member.is_blank():
            member.empty_permitted = True
            member.full_clean()
            continue
        if not member.is_valid():
            valid = False
            continue
        number = member.cleaned_data["id_number"]
        if number in seen:
            member.add_error("id_number", _("与第 %(n)s 位成员的身份证号码重复") % {"n": seen[number] + 1})
            valid = False
            continue
        seen[number] = index
        row = {name: member.cleaned_data[name] for name in MemberForm.FIELDS}
        income = row["monthly_income"]
        row["monthly_income"] = "" if not income else f"{income:.2f}"  # kept as text (session)
        rows.append(row)
    who = draft.get("identity") or {}
    if not rows and valid:
        members_error, valid = _("请至少填写一位家庭成员"), False
    elif valid and who.get("id_number") not in seen:
        members_error, valid = _("申请人本人应列在家庭成员中（身份证号码与第 1 步一致）"), False
    if not valid:
        draft.pop("household", None)
        drafts.draft_save(request.session, draft)
        return _page(request, "selfservice/household.html", "household",
                     {"form": form, "members": members, "members_error": members_error}, 422)
    total = sum((Decimal(r["monthly_income"]) for r in rows if r["monthly_income"]), Decimal(0))
    draft["household"] = {"township": form.cleaned_data["township"],
                          "village": form.cleaned_data["village"],
                          "address": form.cleaned_data["address"].strip(),
                          # the family's total per month, as the resident declared it
                          "monthly_income": f"{total:.2f}" if total else "",
                          "notes": form.cleaned_data.get("notes", "").strip(),
                          "members": rows}
    drafts.draft_save(request.session, draft)
    return redirect("selfservice:items")


@never_cache
@require_http_methods(["GET", "POST"])
def items(request: HttpRequest) -> HttpResponse:
    """Step 3: which help, from the catalogue in force, with what each needs."""
    if (response := _guard(request, "items")) is not None:
        return response
    draft = drafts.draft_get(request.session)
    groups = catalogue_by_department()
    codes = [item.code for group in groups for item in group.items]
    if request.method == "POST":
        chosen = request.POST.getlist("items")[:50]
        draft["raw"]["items"] = chosen
        form = ItemsForm(request.POST, codes=codes)
        if form.is_valid():
            draft["items"] = form.cleaned_data["items"]
            drafts.draft_save(request.session, draft)
            return redirect("selfservice:uploads")
        draft.pop("items", None)
        drafts.draft_save(request.session, draft)
        status = 422
    else:
        chosen = draft["raw"].get("items") or []
        form = ItemsForm(codes=codes)
        status = 200
    chosen_departments = {group.code for group in groups
                          if any(item.code in chosen for item in group.items)}
    return _page(request, "selfservice/items.html", "items",
                 {"form": form, "groups": groups, "chosen": set(chosen),
                  "chosen_departments": chosen_departments}, status)


@never_cache
@require_http_methods(["GET", "POST"])
def uploads(request: HttpRequest) -> HttpResponse:
    """Step 4: photos or PDF scans of the materials, checked by their content."""
    if (response := _guard(request, "uploads")) is not None:
        return response
    draft = drafts.draft_get(request.session)
    needed = materials_for(draft["items"])
    errors: dict[str, str] = {}
    if request.method == "POST":
        for index, entry in enumerate(needed):
            material = entry["material"]
            if request.POST.get(f"remove-{index}") and material in draft["uploads"]:
                drafts.upload_delete(draft["uploads"].pop(material))
            upload = request.FILES.get(f"file-{index}")
            if upload is None:
                continue
            if (upload.size or 0) > MAX_UPLOAD_BYTES:
                errors[material] = _("“%(m)s”的文件太大，不能超过 10 MB") % {"m": material}
                continue
            data = upload.read()
            kind = sniff(data[:16]) if data else None
            if not data:
                errors[material] = _("“%(m)s”的文件是空的") % {"m": material}
            elif kind is None:
                errors[material] = _("“%(m)s”只能上传 JPEG、PNG 照片或 PDF 文件（按文件内容识别）") % {
                    "m": material}
            else:
                drafts.upload_keep(draft, material=material, name=upload.name or material,
                                   content_type=kind[0], extension=kind[1], data=data)
        draft["uploads_done"] = not errors
        drafts.draft_save(request.session, draft)
        if not errors:
            return redirect("selfservice:review")
    rows = [{**entry, "index": index, "file": draft["uploads"].get(entry["material"]),
             "error": errors.get(entry["material"], "")} for index, entry in enumerate(needed)]
    return _page(request, "selfservice/uploads.html", "uploads",
                 {"rows": rows, "has_errors": bool(errors)},
                 422 if errors else 200)


def _summary(draft: dict[str, Any]) -> dict[str, Any]:
    from .selectors import village_named

    household_data = draft.get("household") or {}
    village = village_named(household_data.get("village", ""))
    needed = materials_for(draft.get("items") or [])
    relations = dict(Relation.choices)
    sources = dict(INCOME_SOURCES)
    members = [{**m, "relation_label": relations.get(m.get("relation", ""), ""),
                "source_label": sources.get(m.get("income_source", ""), "")}
               for m in household_data.get("members", [])]
    return {"identity": draft.get("identity") or {}, "household": household_data,
            "members": members,
            "village": village, "chosen_items": items_named(draft.get("items") or []),
            "materials": [{**m, "file": (draft.get("uploads") or {}).get(m["material"])}
                          for m in needed]}


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """Check everything once more, then submit to the window queue."""
    if (response := _guard(request, "review")) is not None:
        return response
    draft = drafts.draft_get(request.session)
    error: ServiceError | None = None
    fix_step = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            error, status = ServiceError(services.ErrorCode.BAD_REQUEST,
                                         _("无法提交，请刷新页面后重试")), 400
        else:
            try:
                drawn = {a["index"]: request.POST.get(f"sign_{a['index']}", "")[:600_000]
                         for a in services.adult_members(draft)}
                signatures = services.signatures_from(
                    draft, drawn, device=request.META.get("HTTP_USER_AGENT", ""),
                    latitude=request.POST.get("lat") or None,
                    longitude=request.POST.get("lng") or None)
                code = services.application_submit(draft=draft, ip=client_ip(request),
                                                   signatures=signatures)
            except gateway.GatewayUnavailable:
                error, status = ServiceError(services.ErrorCode.STEP_NOT_ALLOWED,
                                             _("网上申请暂未开通，请到乡镇（街道）社会救助窗口办理")), 503
            except ServiceError as exc:
                error, status = exc, exc.status
                path = re.split(r"[^a-z_]", exc.errors[0]["path"] if exc.errors else "")[0]
                fix_step = STEP_OF_PATH.get(path, "")
            else:
                names = [item.name for item in items_named(draft["items"])]
                drafts.draft_clear(request.session)
                request.session[drafts.DONE_KEY] = {"code": code, "items": names}
                return redirect("selfservice:done")
    from jiuzhu.verification.authorisations import CONSENT_TEXT, CONSENT_VERSION

    signers = services.adult_members(draft)
    kept = _signatures_kept(request, signers) if request.method == "POST" else {}
    return _page(request, "selfservice/review.html", "review",
                 {**_summary(draft), "error": error, "fix_step": fix_step,
                  "signers": [{**s, "kept": kept.get(s["index"], "")} for s in signers],
                  **_authorisation_status(len(kept), len(signers)),
                  "consent_text": CONSENT_TEXT.split("\n"), "consent_version": CONSENT_VERSION},
                 status)


def _signatures_kept(request: HttpRequest, signers: list[dict[str, Any]]) -> dict[int, str]:
    """The signatures drawn before a submission that was refused for another reason: each
    that is a readable PNG goes back into its pad (no adult signs twice)."""
    from jiuzhu.verification.authorisations import signature_png

    kept = {}
    for signer in signers:
        image = request.POST.get(f"sign_{signer['index']}", "")[:600_000]
        if not image:
            continue
        try:
            signature_png(image)
        except ServiceError:
            continue
        kept[signer["index"]] = image
    return kept


def _authorisation_status(signed: int, adults: int) -> dict[str, Any]:
    """The 家庭经济状况核对授权书 line of the review's materials while the adults sign below:
    已签署（电子签名 n/m） (``static/selfservice/signed.js`` counts again at every stroke)."""
    from jiuzhu.applications.verification_link import AUTHORISATION

    signed_text = _("已签署（电子签名 %(n)s/%(total)s）")
    return {"authorisation_material": AUTHORISATION if adults else "",
            "authorisation_signed_template": signed_text,
            "authorisation_signed": signed_text % {"n": signed, "total": adults}
            if signed else ""}


@never_cache
def done(request: HttpRequest) -> HttpResponse:
    """The query code, in large print, to be saved."""
    result = request.session.get(drafts.DONE_KEY)
    if not result:
        return redirect("selfservice:identity")
    return render(request, "selfservice/done.html", {"code": result["code"],
                                                    "item_names": result["items"]})


@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    """Throw the draft away and start again."""
    drafts.draft_clear(request.session)
    return redirect("selfservice:identity")


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """进度查询: the query code and the last 4 digits of the applicant's ID number."""
    found = None
    message = ""
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                found = services.progress_find(code=form.cleaned_data["code"],
                                               last4=form.cleaned_data["last4"],
                                               ip=client_ip(request))
            except gateway.GatewayUnavailable:
                message, status = _("进度查询暂未开通，请致电或到窗口查询"), 503
            except ServiceError as exc:
                message, status = exc.message, exc.status
        else:
            status = 422
    else:
        form = TrackForm(initial={"code": request.GET.get("code", "")[:8]})
    return render(request, "selfservice/track.html", {
        "form": form, "found": found, "message": message,
        "applicant": mask_name(found.applicant_name) if found else ""}, status=status)


# --- 我能申请吗: the anonymous self-check ---------------------------------------------------

ELDER_COOKIE = "self_elder"


@require_http_methods(["GET"])
def elder(request: HttpRequest) -> HttpResponse:
    """长辈模式 on or off (larger text and controls, higher contrast), kept in a cookie for
    every resident page (the online application, 我能申请吗, progress, 资格认证 and the public
    notice board); back to the page it was chosen on."""
    target = safe_next(request)
    response = redirect(target if target.startswith(("/self/", "/notice/")) else "/self/")
    if request.GET.get("on") == "1":
        response.set_cookie(ELDER_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


def _check_forms(request: HttpRequest, data: Any | None
                 ) -> tuple[CheckForm, list[CheckMemberForm], int]:
    townships = [(town.code, town.name) for town in townships_with_villages()]
    form = CheckForm(data, townships=townships)
    try:
        size = int((data or request.GET).get("size", "1"))
    except ValueError:
        size = 1
    size = min(max(size, 1), CHECK_MAX_MEMBERS)
    members = [CheckMemberForm(data, prefix=f"m{i}") for i in range(CHECK_MAX_MEMBERS)]
    return form, members, size


def _check_answers(form: CheckForm, members: list[CheckMemberForm], size: int
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    valid = form.is_valid()
    for member in members[:size]:
        valid = member.is_valid() and valid
    if not valid:
        return None
    return form.cleaned_data, [m.cleaned_data for m in members[:size]]


def _check_page(request: HttpRequest, form: CheckForm, members: list[CheckMemberForm],
                size: int, context: dict[str, Any], status: int = 200) -> HttpResponse:
    rows = [{"form": m, "index": i, "label": selfcheck.member_label(i), "shown": i < size}
            for i, m in enumerate(members)]
    return render(request, "selfservice/selfcheck.html",
                  {"form": form, "rows": rows, "size": size,
                   "disclaimer": selfcheck.DISCLAIMER, **context}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """我能申请吗: a few questions, an indicative answer per item from the rules engine.
    Nothing is stored (not even in the session)."""
    if request.method == "GET":
        form, members, size = _check_forms(request, None)
        return _check_page(request, form, members, size, {})
    form, members, size = _check_forms(request, request.POST)
    if request.POST.get("action") == "size":  # "确定人数" without JavaScript: no errors yet
        typed = request.POST.dict()
        form = CheckForm(initial=typed, townships=form.townships)
        members = [CheckMemberForm(initial={key.removeprefix(f"m{i}-"): value
                                            for key, value in typed.items()
                                            if key.startswith(f"m{i}-")}, prefix=f"m{i}")
                   for i in range(CHECK_MAX_MEMBERS)]
        return _check_page(request, form, members, size, {})
    checked = _check_run(request, form, members, size, counted=True)
    if isinstance(checked, HttpResponse):
        return checked
    return _check_page(request, form, members, size,
                       {"groups": selfcheck.by_likelihood(checked[1]), "checked": True})


def _check_run(request: HttpRequest, form: CheckForm, members: list[CheckMemberForm],
               size: int, *, counted: bool
               ) -> tuple[tuple[dict[str, Any], list[dict[str, Any]]], list[dict[str, Any]]] \
        | HttpResponse:
    """The answers and the engine's items for them, or the page again with what is wrong;
    ``counted``: a check of its own (the hourly limit per address)."""
    answers = _check_answers(form, members, size)
    if answers is None:
        return _check_page(request, form, members, size, {"invalid": True}, 422)
    try:
        if counted:
            selfcheck.check_allowed(client_ip(request))
        household, poorer, richer, rough = selfcheck.household_from_answers(*answers)
        items = selfcheck.selfcheck(household, poorer=poorer, richer=richer, rough=rough)
    except ServiceError as exc:
        return _check_page(request, form, members, size,
                           {"error": exc, "invalid": exc.status == 422}, exc.status)
    return answers, items


@require_POST
def check_apply(request: HttpRequest) -> HttpResponse:
    """按这些情况在线申请: the online application's household and items steps filled in
    from the answers; the resident still starts with who applies (step 1)."""
    form, members, size = _check_forms(request, request.POST)
    checked = _check_run(request, form, members, size, counted=False)
    if isinstance(checked, HttpResponse):
        return checked
    answers, items = checked
    carried = selfcheck.draft_from_answers(*answers, items)
    draft = drafts.draft_get(request.session)
    draft["raw"]["household"] = carried["household"]
    draft["raw"]["items"] = carried["items"]
    draft["from_selfcheck"] = True
    for done_step in ("household", "items"):
        draft.pop(done_step, None)  # to be confirmed again with the new answers
    drafts.draft_save(request.session, draft)
    return redirect("selfservice:identity")
