"""Pages of the dibao procedure (低保办理): case list, new application, case page with one
form per action the user may take now, the home investigation on a phone, the overdue
notice (超时通报) and the public notice board (公示, no login).

Reads go through the selectors (another township's case is 'not found', like a missing
one); every change goes through one service call, whose refusals come back onto the
fields of the form that asked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.selectors import household_get, household_search
from jiuzhu.regions.models import Region

from . import events, selectors, services, views_field
from .attachments import materials_missing
from .choices import BEFORE_DECISION, Alert, Channel, State, Step
from .deadlines import shown as deadlines_shown
from .documents import item_name
from .duties import awaiting_second
from .forms import (
    SIGNERS,
    ActionForm,
    ApplicationCreateForm,
    AssignInvestigationForm,
    HouseholdSearchForm,
    InvestigationForm,
    RecordVerificationForm,
    RequestSupplementForm,
    form_for,
    neighbour_rows,
    township_investigators,
)
from .materials import materials_status
from .models import Application
from .procedure import procedure_for
from .signing import case_signing
from .verification_link import case_verification
from .workflow import WORKFLOW, label

PAGE_SIZE = 25
COMPLAINT_HOTLINE = "12345"
SIGNATURE_LABELS = dict(SIGNERS)


def _application_or_404(request: HttpRequest, pk: int) -> Application:
    try:
        return selectors.application_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


def _case_page_or_404(request: HttpRequest, pk: int) -> Application:
    """The case page is the staff's: a contracted investigator (an outside user) sees the
    case assigned to them only on the investigation page (no incomes, no ID numbers)."""
    application = _application_or_404(request, pk)
    if getattr(request.user, "is_outside", False):
        raise Http404(_("申请不存在"))
    return application


# --- case list ---------------------------------------------------------------------------

@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """申请办理: the user's cases, filtered by state, alert and number or name."""
    if not request.user.has_perm("applications.view_list"):
        raise PermissionDenied(_("部门经办人请在部门收件箱办理"))
    state = request.GET.get("state", "")
    alert = request.GET.get("alert", "")
    q = request.GET.get("q", "").strip()
    # The list needs no assessment (its result is large): only household and township.
    cases = selectors.applications_visible_to(request.user).select_related(None) \
        .select_related("household", "region").with_alert()
    if state in State.values:
        cases = cases.filter(state=state)
    if alert in Alert.values:
        cases = cases.filter(alert=alert)
    second = request.GET.get("second") == "1"  # 待第二审批人确认 (the approver's work list)
    if second:
        cases = selectors.awaiting_second_approval(cases, request.user)
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(query_code__iexact=q)
                             | Q(household__head_name__contains=q)
                             | Q(household__household_id__iexact=q))
    if request.GET.get("export") == "xlsx":
        return _list_export(request, cases)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "applications/list.html", {
        "page": page, "states": State.choices, "alerts": Alert.choices,
        "filters": {"state": state, "alert": alert, "q": q, "second": second},
        "query": query.urlencode(),
        "may_create": _may_create(request.user),
    })


def _list_export(request: HttpRequest, cases: Any) -> HttpResponse:
    """The filtered list as Excel (audited as an export of personal data)."""
    from jiuzhu.audit.downloads import list_response
    from jiuzhu.calendars.alerts import alert_label
    from jiuzhu.catalogue.selectors import item_names

    names = item_names()
    headers = [_("申请编号"), _("事项"), _("户主"), _("家庭编号"), _("受理乡镇"), _("状态"),
               _("当前环节"), _("环节期限"), _("办结期限"), _("预警"), _("申请时间"), _("审批时间")]
    rows = ([app.number, names.get(app.item_code, app.item_code), app.household.head_name,
             app.household.household_id, app.region.name, app.get_state_display(),
             app.get_step_display(), app.due_date, app.final_due_date,
             alert_label(app.alert), app.submitted_at, app.decided_at]
            for app in cases.order_by("-submitted_at").iterator(chunk_size=2000))
    return list_response(request, what="applications", name=str(_("申请办理")), headers=headers,
                         rows=rows)


def _item_choice(request: HttpRequest, procedure: Any) -> tuple[str, tuple[str, ...], str]:
    """The item applied for (``?item=MZ04``; dibao by default), its materials and label:
    MZ01 takes the county's procedure setting, the other programmes the catalogue item's."""
    from jiuzhu.catalogue.selectors import item_in_force

    from .programs import PROGRAMS

    code = request.POST.get("item_code") or request.GET.get("item") or "MZ01"
    if code not in PROGRAMS:
        code = "MZ01"
    try:
        item = item_in_force(code)
    except ServiceError:
        item = None
    label = f"{code} {item.name if item else '城乡最低生活保障'}"
    if code == "MZ01":
        return code, procedure.materials, label
    return code, tuple(item.materials or ()) if item else (), label


def _may_create(user: Any) -> bool:
    return bool(user.has_perm("applications.create"))


# --- new application -------------------------------------------------------------------

@login_required
def application_create_view(request: HttpRequest) -> HttpResponse:
    """提出申请 for a household: choose it (search), the channel, and upload the materials."""
    if not _may_create(request.user):
        raise PermissionDenied(_("您的岗位不能受理申请"))
    household_pk = request.POST.get("household") or request.GET.get("household")
    if not household_pk or not str(household_pk).isdigit():
        search = HouseholdSearchForm(request.GET or None)
        q = search.data.get("q", "").strip() if search.is_bound else ""
        results = list(household_search(user=request.user, q=q)[:20]) if q else []
        return render(request, "applications/create.html", {
            "search": search, "results": results, "q": q})
    try:
        household = household_get(user=request.user, pk=int(household_pk))
    except ServiceError:
        raise Http404(_("家庭不存在")) from None
    procedure = procedure_for(household.region.code)
    item_code, materials, item_label = _item_choice(request, procedure)
    status = 200
    if request.method == "POST":
        form = ApplicationCreateForm(request.POST, request.FILES, materials=materials,
                                     user_pk=request.user.pk, item=(item_code, item_label))
        if form.is_valid():
            try:
                application = services.application_create(
                    actor=request.user, household=household,
                    item_code=form.cleaned_data["item_code"],
                    channel=form.cleaned_data["channel"], files=form.files_for_service())
            except ServiceError as error:
                if error.code == ErrorCode.NOT_FOUND:
                    raise Http404(error.message) from None
                form.attach_errors(error.errors, error.message)
                status = error.status
            else:
                form.discard_kept()
                messages.success(request, _("申请 %(number)s 已提交，查询码 %(code)s。") % {
                    "number": application.number, "code": application.query_code})
                return redirect("applications:detail", pk=application.pk)
        else:
            status = 422
        # Nothing typed or chosen is lost: the files wait aside for the next submit.
        form.keep_uploads(request.user.pk)
    else:
        form = ApplicationCreateForm(materials=materials, user_pk=request.user.pk,
                                     item=(item_code, item_label))
    open_cases = list(household.applications.filter(
        state__in=[*BEFORE_DECISION, State.DECISION]).only("pk", "number", "state"))
    return render(request, "applications/create.html", {
        "household": household, "form": form, "materials": materials,
        "item_label": item_label, "open_cases": open_cases}, status=status)


# --- case page -------------------------------------------------------------------------

def _build_form(action: str, application: Application, *, data: Any = None,
                files: Any = None) -> ActionForm:
    cls = form_for(action)
    kwargs: dict[str, Any] = {"application": application, "prefix": action}
    if cls is RequestSupplementForm:
        materials = procedure_for(application.region.code).materials
        kwargs.update(materials=materials, missing=materials_missing(application, materials))
    elif cls is AssignInvestigationForm:
        kwargs["investigators"] = township_investigators(application)
        kwargs["organisations"] = events.contracted_organisations(application)
    elif cls is RecordVerificationForm:
        kwargs["requests"] = _complete_verifications(application)
    return cls(data, files, **kwargs) if data is not None else cls(**kwargs)


def _complete_verifications(application: Application) -> list[Any]:
    """The household's completed verification requests, newest first."""
    from jiuzhu.verification.models import VerificationRequest

    return list(VerificationRequest.objects.filter(household=application.household_id,
                                                   status="complete").order_by("-pk")[:10])


def _action_panels(request: HttpRequest, application: Application,
                   bound: tuple[str, ActionForm] | None) -> list[dict[str, Any]]:
    panels = []
    for offer in WORKFLOW.offers(request.user, application):
        row, action = offer.action, offer.name
        panel: dict[str, Any] = {"action": action, "label": row.label,
                                 "style": row.extra.get("style", "primary"),
                                 "help": row.extra.get("help", "")}
        if action == "approve" and awaiting_second(application):  # 四眼原则: the second
            panel["label"] = _("确认批准（第二审批人）")
            panel["help"] = first_approval_text(application)
        if not offer.allowed:  # a condition on the case refuses it now
            if not row.extra.get("show_refused"):
                continue  # e.g. done once already: nothing to say
            panel["refused"] = offer.reason  # still to come: say why, no form
        elif row.extra.get("link"):
            panel["link"] = True
        elif bound and bound[0] == action:
            panel["form"] = bound[1]
        else:
            panel["form"] = _build_form(action, application)
        panels.append(panel)
    return panels


def _render_detail(request: HttpRequest, application: Application, *,
                   bound: tuple[str, ActionForm] | None = None, error: ServiceError | None = None,
                   status: int = 200) -> HttpResponse:
    from jiuzhu.documents.services import documents_for

    attachments = [(a, SIGNATURE_LABELS.get(a.material, a.material) if a.kind == "signature"
                    else a.material or a.get_kind_display())
                   for a in application.attachments.all()]
    return render(request, "applications/detail.html", {
        "application": application,
        "household": application.household,
        "timeline": [_step_view(step) for step in application.steps.all()],
        "first_approval": first_approval_text(application) if awaiting_second(application) else "",
        "attachments": attachments,
        "documents": documents_for(application),
        "panels": _action_panels(request, application, bound),
        "open_panel": bound[0] if bound else "",
        "error": error,
        "error_action": label(bound[0]) if bound else "",
        "item_name": item_name(application),
        "materials_missing": materials_missing(application, services.materials_required(application))
        if application.state in (State.SUBMITTED, State.AWAITING_SUPPLEMENT) else [],
        "materials": materials_status(application, tuple(services.materials_required(application))),
        "deadlines": deadlines_shown(application),
        "investigation": application.investigation,
        "case_verification": case_verification(application, request.user),
        "case_signing": case_signing(application, request.user),
    }, status=status)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """申请详情: header, timeline, attachments, documents and the forms of the possible actions."""
    application = _case_page_or_404(request, pk)
    audit_read(request, application)
    return _render_detail(request, application)


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action on the case through ``application_act``; a refusal re-renders the page."""
    application = _case_page_or_404(request, pk)
    if action not in WORKFLOW or not WORKFLOW.action(action).permission:
        raise Http404(_("没有这个动作"))
    form = _build_form(action, application, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _render_detail(request, application, bound=(action, form), status=422)
    data, files = form.to_service()
    try:
        services.application_act(actor=request.user, application_id=application.pk,
                                 action=action, data=data, files=files)
    except ServiceError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        if error.code == ErrorCode.VALIDATION:
            form.attach_errors(error.errors, error.message)
        application = _application_or_404(request, pk)
        return _render_detail(request, application, bound=(action, form),
                              error=error if error.code != ErrorCode.VALIDATION else None,
                              status=error.status)
    messages.success(request, _("已完成：%(action)s") % {"action": label(action)})
    return redirect("applications:detail", pk=pk)


@login_required
def attachment_file(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment of a case the user may see (never a public media URL)."""
    application = _case_page_or_404(request, pk)
    attachment = application.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404(_("附件不存在"))
    audit_read(request, application, "download", attachment=attachment.pk,
               material=attachment.material)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def first_approval_text(application: Application) -> str:
    """已由 X 审批，待第二审批人确认 (四眼原则), with the monthly amount approved."""
    first = application.first_approval or {}
    text = _("已由 %(name)s 审批，待第二审批人确认") % {"name": first.get("name", "")}
    if first.get("amount"):
        text += _("（批准金额 %(amount)s 元/月）") % {"amount": first["amount"]}
    return text


# --- the timeline, in Chinese ------------------------------------------------------------

FIELD_LABELS = {
    "channel": "渠道", "item_code": "事项", "missing": "需补正材料", "reason": "理由",
    "reasons": "理由", "investigators": "调查人员", "organisation": "第三方机构",
    "location": "位置", "visited_on": "调查日期", "neighbour_visits": "邻里访问",
    "findings": "调查情况", "report": "核对报告", "request_id": "核对申请",
    "members_present": "参加人数", "votes_for": "赞成", "votes_against": "反对",
    "result": "评议结果", "note": "说明", "recommend": "审核意见", "founded": "异议",
    "return_to": "退回", "amount": "批准金额（元）", "override_reason": "调整理由",
    "originals": "原件已核验", "payroll": "发放花名册编号", "month": "发放月份",
    "first_approver": "第一审批人", "start_month": "起始发放月",
    "differences": "调查核实与申报对照", "submission_key": "提交编号",
}
VALUE_LABELS: dict[str, dict[Any, Any]] = {
    "recommend": {"approve": "建议批准", "refuse": "建议不予批准"},
    "result": {"pass": "通过", "fail": "未通过"},
    "founded": {True: "成立", False: "不成立"},
    "return_to": {"investigation": "重新入户调查", "appraisal": "重新民主评议"},
    "channel": dict(Channel.choices),
}


def _value_text(key: str, value: Any) -> str:
    if key in VALUE_LABELS and not isinstance(value, list | dict):
        return str(VALUE_LABELS[key].get(value, value))
    if key == "location" and isinstance(value, dict):
        return f"北纬 {value.get('lat')}，东经 {value.get('lng')}"
    if key == "neighbour_visits" and isinstance(value, list):
        return "；".join(
            f"{v.get('name', '')}{'（' + v['relation'] + '）' if v.get('relation') else ''}："
            f"{v.get('statement', '')}" for v in value if isinstance(v, dict))
    if key == "report" and isinstance(value, dict):
        return str(value.get("summary") or "、".join(f"{k}：{v}" for k, v in value.items()))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _step_view(step: Any) -> dict[str, Any]:
    state_labels = dict(State.choices)
    details = [(FIELD_LABELS.get(key, key), _value_text(key, value))
               for key, value in (step.data or {}).items()
               if value not in (None, "", [], {}) and key not in ("files", "investigator_ids")]
    return {"at": step.at, "actor": step.actor_name or "系统",
            "action": label(step.action),
            "from": state_labels.get(step.from_state, step.from_state),
            "to": state_labels.get(step.to_state, step.to_state),
            "changed": step.from_state != step.to_state, "details": details}


# --- home investigation on a phone ---------------------------------------------------------

@login_required
def investigate(request: HttpRequest, pk: int) -> HttpResponse:
    """入户调查 (mobile): photos, location, three signatures, neighbour visits, findings."""
    application = _application_or_404(request, pk)
    if not request.user.has_perm("applications.record_investigation", application):
        raise PermissionDenied(_("只有调查员可以录入入户调查"))
    # the table's answer: its state, and its condition (the investigation was assigned)
    offer = next((o for o in WORKFLOW.offers(request.user, application)
                  if o.name == "record_investigation"), None)
    possible, refused = offer is not None and offer.allowed, offer.reason if offer else ""
    error: ServiceError | None = None
    status = 200
    if request.method == "POST":
        form = InvestigationForm(request.POST, photos=request.FILES.getlist("photos"),
                                 neighbours=neighbour_rows(request.POST))
        if form.is_valid():
            try:
                views_field.submit(request, application, form)  # once per submission_key
            except ServiceError as exc:
                if exc.code == ErrorCode.NOT_FOUND:
                    raise Http404(exc.message) from None
                if exc.code == ErrorCode.VALIDATION:
                    form.attach_errors(exc.errors, exc.message)
                else:
                    error = exc
                status = exc.status
            else:
                messages.success(request, _("入户调查已录入。"))
                if getattr(request.user, "is_outside", False):
                    return redirect("applications:my_investigations")
                return redirect("applications:detail", pk=pk)
        else:
            status = 422
        neighbours = form.visits
    else:
        assigned = [str(name) for name in application.investigators]
        if str(request.user) in assigned:  # the one holding the phone first
            assigned.remove(str(request.user))
            assigned.insert(0, str(request.user))
        form = InvestigationForm(initial={
            "investigator_1": assigned[0] if assigned else str(request.user),
            "investigator_2": assigned[1] if len(assigned) > 1 else "",
            "visited_on": timezone.localdate()}, neighbours=[])
        neighbours = []
        audit_read(request, application, via="investigate")
    return render(request, "applications/investigate.html", {
        "application": application, "household": application.household, "form": form,
        "possible": possible, "refused": refused, "error": error,
        "signers": [(who, label, form[f"sign_{who}"]) for who, label in SIGNERS],
        "neighbours": neighbours or [{"name": "", "relation": "", "statement": ""}],
        **views_field.page_context(request, application),
    }, status=status)


# --- 我的调查: the investigations assigned to me, on a phone -----------------------------------

@login_required
def my_investigations(request: HttpRequest) -> HttpResponse:
    """我的调查: the cases the user was assigned to investigate — waiting first (with the
    family's address and phone and the step's due date), then the ones recorded."""
    if not request.user.has_perm("applications.view_my_investigations"):
        raise PermissionDenied(_("只有被指派入户调查的人员使用“我的调查”"))
    cases = list(selectors.my_investigations(request.user)[:200])
    waiting = [c for c in cases if not c.investigation_recorded and c.state == State.ACCEPTED]
    done = [c for c in cases if c not in waiting][:30]
    for case in waiting:  # 导航: the phone's map application at the household
        case.navigation = views_field.application_navigation(case)  # type: ignore[attr-defined]
    return render(request, "applications/my_investigations.html", {
        "waiting": waiting, "done": done,
        "may_record": {c.pk for c in waiting
                       if request.user.has_perm("applications.record_investigation", c)},
    })


# --- overdue notice (超时通报) --------------------------------------------------------------

def _office(application: Application) -> str:
    township = application.region
    county = township.parent
    if application.step == Step.DECISION and \
            procedure_for(township.code).approving_level == "county" and county is not None:
        return f"{county.name}民政局"
    return f"{township.name}人民政府"


@login_required
def overdue_notice(request: HttpRequest) -> HttpResponse:
    """超时通报: the region's red cases with their working days overdue; yellow ones below."""
    from jiuzhu.calendars.selectors import calendar_window, working_days_between

    user = request.user
    if not user.has_perm("applications.view_overdue"):
        raise PermissionDenied(_("超时通报仅供督办领导查看"))
    today = timezone.localdate()
    red = list(selectors.overdue(user=user).select_related(None)
               .select_related("household", "region__parent"))
    yellow = list(selectors.applications_visible_to(user).select_related(None)
                  .select_related("household", "region__parent").with_alert().filter(alert=Alert.YELLOW)
                  .order_by("due_date", "number"))
    passed = {app.pk: min([d for d in (app.due_date, app.final_due_date) if d and d < today],
                          default=None) for app in red}
    first = min([d for d in passed.values() if d], default=today)
    calendar = calendar_window(first + timedelta(days=1), today) if first < today else None
    rows: list[dict[str, Any]] = []
    for app in red:
        since = passed[app.pk]
        days = working_days_between(since, today, calendar=calendar) if since else 0
        rows.append({"application": app, "days": days, "since": since, "office": _office(app),
                     "total": bool(app.final_due_date and app.final_due_date < today)})
    rows.sort(key=lambda r: (-r["days"], r["application"].number))
    return render(request, "applications/overdue.html", {
        "rows": rows, "yellow": [{"application": a, "office": _office(a)} for a in yellow],
        "today": today, "region": getattr(user, "region", None)})


# --- public notice board (公示, no login) ------------------------------------------------

def mask_name(name: str) -> str:
    """张*三 — keep the first and last character; a two-character name keeps the first (张*)."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _item_names() -> dict[str, str]:
    """Item code → the catalogue's name (one query), for the notice board."""
    from jiuzhu.catalogue.models import Item

    today = timezone.localdate()
    return dict(Item.objects.filter(valid_from__lte=today).order_by("code", "valid_from")
                .values_list("code", "name"))


def public_notice(request: HttpRequest, township_code: str) -> HttpResponse:
    """公示: the township's cases in their notice period — masked name, village, people,
    amount, dates — and the other townships of the county."""
    # the township and the other townships of its county, in one query
    townships = list(Region.objects.filter(level="township", parent__children__code=township_code)
                     .select_related("parent").order_by("code"))
    township = next((t for t in townships if t.code == township_code), None)
    if township is None:
        raise Http404(_("没有这个乡镇"))
    try:
        procedure = procedure_for(township.code)
    except ServiceError:
        raise Http404(_("该县未开展低保公示")) from None
    days = procedure.notice_calendar_days
    cases = list(Application.objects.filter(region=township, state=State.NOTICE,
                                            notice_published_on__isnull=False)
                 .select_related("household__region").order_by("notice_published_on", "number")
                 .only("number", "state", "item_code", "engine_amount", "notice_published_on",
                       "household__head_name", "household__member_count",
                       "household__region__name"))
    names = _item_names() if any(app.item_code != "MZ01" for app in cases) else {}
    rows = [{"name": mask_name(app.household.head_name), "people": app.household.member_count,
             "village": app.household.region.name,
             "item": "" if app.item_code == "MZ01" else names.get(app.item_code, app.item_code),
             "amount": app.engine_amount, "published": app.notice_published_on,
             # the filter leaves no case without a publication day (the ORM types cannot tell)
             "ends": app.notice_published_on + timedelta(days=days),  # type: ignore[operator]
             "number": app.number}
            for app in cases]
    siblings = [t for t in townships if t.pk != township.pk]
    large = _large_print(request)
    return render(request, "applications/notice.html", {
        "township": township, "rows": rows, "days": days, "large": large,
        "siblings": siblings,
        "hotline": getattr(procedure, "hotline", "") or COMPLAINT_HOTLINE,
        "today": timezone.localdate()})


def _large_print(request: HttpRequest) -> bool:
    """长辈模式 on the notice board: asked for in the address (a link printed on paper), or
    chosen on any resident page (the cookie the residents' pages set)."""
    return request.GET.get("large") == "1" or request.COOKIES.get("self_elder") == "1"


def public_notice_index(request: HttpRequest) -> HttpResponse:
    """公示栏: every township (of the counties that run the procedure) with how many
    families are on notice now, each linked to its notice board."""
    from django.db.models import Count

    townships = list(Region.objects.filter(level="township").select_related("parent")
                     .order_by("code"))
    counts = dict(Application.objects.filter(state=State.NOTICE, notice_published_on__isnull=False)
                  .values_list("region").annotate(n=Count("pk")))
    counties: dict[Any, list[dict[str, Any]]] = {}
    for township in townships:
        try:
            procedure_for(township.code)
        except ServiceError:
            continue
        counties.setdefault(township.parent, []).append(
            {"township": township, "count": counts.get(township.pk, 0)})
    return render(request, "applications/notice_index.html", {
        "counties": list(counties.items()), "large": _large_print(request),
        "today": timezone.localdate()})
