"""Pages of 政府购买家境调查: contracts (county), a contract with its settlements, the
follow-up list of every contracted case (staff; a coordinator their organisation's open
ones), one contracted case (coordinator: assign a surveyor; township: accept, return,
take back) and the settlement statement (page, Excel, PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuzhu.audit.downloads import list_response
from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.rules.money import format_fen

from . import selectors, services
from .choices import InvestigationState
from .forms import ContractForm, ReasonForm, SettleForm, SurveyorForm
from .statement import STATEMENT_HEADERS, settlement_pdf, settlement_rows

PAGE_SIZE = 25


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的岗位不能使用此页面"))


def _get(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except ServiceError as error:
        raise Http404(error.message) from None


def _attach(form: Any, error: ServiceError) -> None:
    for item in error.errors or []:
        field = str(item.get("path") or "")
        form.add_error(field if field in form.fields else None, item.get("message") or error.message)
    if not error.errors:
        form.add_error(None, error.message)


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    """调查服务合同: the contracts of the user's region; the county adds one."""
    _require(request.user, "contracts.view")
    from jiuzhu.accounts.models import Organisation

    may_manage = request.user.has_perm("contracts.manage")
    organisations = list(Organisation.objects.visible_to(request.user).filter(active=True)
                         .order_by("name")) if may_manage else []
    form = ContractForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        _require(request.user, "contracts.manage")
        if form.is_valid():
            try:
                contract = services.contract_create(actor=request.user, data=form.to_service())
            except ServiceError as error:
                _attach(form, error)
                status = error.status
            else:
                messages.success(request, _("已登记合同 %(number)s") % {"number": contract.number})
                return redirect("contracts:detail", pk=contract.pk)
        else:
            status = 422
    page = Paginator(selectors.contracts_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "contracts/list.html", {
        "page": page, "form": form if may_manage else None, "today": timezone.localdate()},
        status=status)


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract: its terms, what is left of the advance, its settlements; settle a period."""
    contract = _get(selectors.contract_get, user=request.user, pk=pk)
    _require(request.user, "contracts.view", contract)
    may_settle = request.user.has_perm("contracts.settle", contract)
    form = SettleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _require(request.user, "contracts.settle", contract)
        if form.is_valid():
            try:
                settlement = services.settle(actor=request.user, contract_id=contract.pk,
                                             data=form.cleaned_data)
            except ServiceError as error:
                _attach(form, error)
                status = error.status
            else:
                messages.success(request, _("已结算"))
                return redirect("contracts:settlement", pk=settlement.pk)
        else:
            status = 422
    pending = contract.investigations.filter(state=InvestigationState.ACCEPTED,
                                             settlement__isnull=True).count()
    return render(request, "contracts/detail.html", {
        "contract": contract, "settlements": contract.settlements.order_by("period_start"),
        "advance_left": format_fen(services.advance_left(contract)),
        "price": format_fen(contract.price_fen), "advance": format_fen(contract.advance_fen),
        "pending": pending, "form": form if may_settle else None}, status=status)


FOLLOW_HEADERS = (gettext_noop("申请编号"), gettext_noop("申请人"), gettext_noop("村（社区）"),
                  gettext_noop("调查机构"), gettext_noop("调查员"), gettext_noop("状态"),
                  gettext_noop("当前环节"), gettext_noop("已用工作日"), gettext_noop("退回次数"),
                  gettext_noop("预警"))


@login_required
def follow(request: HttpRequest) -> HttpResponse:
    """委托调查跟踪: every contracted case from assignment to accepted report — the step,
    the days used, the alert colour; a coordinator sees the organisation's open ones."""
    _require(request.user, "contracts.follow")
    state = request.GET.get("state", "")
    cases = selectors.follow_list(request.user,
                                  state=state if state in InvestigationState.values else "")
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        every = list(cases[:10_000])
        return list_response(request, what="contracts.follow", name=_("委托调查跟踪"),
                             headers=[_(h) for h in FOLLOW_HEADERS], rows=(
            (c.application.number, c.application.household.head_name,
             c.application.household.region.name, c.organisation.name,
             str(c.investigator or ""), c.get_state_display(),
             c.application.get_step_display(), days, c.return_count,
             c.get_alert_display())
            for c, days in zip(every, selectors.days_used_all(every, today), strict=True)))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    rows = [{"case": c, "days": days}
            for c, days in zip(shown, selectors.days_used_all(shown, today), strict=True)]
    return render(request, "contracts/follow.html", {
        "page": page, "rows": rows, "states": InvestigationState.choices, "state": state})


@login_required
def investigation(request: HttpRequest, pk: int) -> HttpResponse:
    """One contracted case: the coordinator assigns a surveyor; the township accepts the
    report, returns it with a reason, or takes the assignment back."""
    case = _get(selectors.investigation_get, user=request.user, pk=pk)
    user = request.user
    if not (user.has_perm("contracts.follow") or user.has_perm("contracts.review", case)):
        raise PermissionDenied(_("您的岗位不能使用此页面"))
    surveyor_form = SurveyorForm(surveyors=selectors.surveyors_of(case.organisation_id))
    reason_form = ReasonForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "assign_surveyor":
                surveyor_form = SurveyorForm(request.POST, surveyors=selectors.surveyors_of(
                    case.organisation_id))
                services.assign_surveyor(actor=user, investigation_id=case.pk,
                                         surveyor_id=request.POST.get("surveyor_id"))
            elif action == "accept":
                services.accept(actor=user, investigation_id=case.pk)
            elif action in ("return", "withdraw"):
                reason_form = ReasonForm(request.POST)
                fn = services.return_report if action == "return" else services.withdraw
                fn(actor=user, investigation_id=case.pk, reason=request.POST.get("reason"))
            else:
                raise Http404(_("没有这个动作"))
        except ServiceError as error:
            refuse_page(error)
            _attach(surveyor_form if action == "assign_surveyor" else reason_form, error)
            status = error.status
        else:
            messages.success(request, _("已办理"))
            if not selectors.investigations_visible_to(user).filter(pk=case.pk).exists():
                return redirect("contracts:follow")
            return redirect("contracts:investigation", pk=case.pk)
    else:
        audit_read(request, case.application, via="contracts")
    case = _get(selectors.investigation_get, user=request.user, pk=pk)
    return render(request, "contracts/investigation.html", {
        "case": case, "application": case.application, "household": case.application.household,
        "days": selectors.days_used(case),
        "may_assign": user.has_perm("contracts.assign_surveyor", case)
        and case.state in ("assigned", "investigator_assigned", "returned"),
        "may_review": user.has_perm("contracts.review", case),
        "surveyor_form": surveyor_form, "reason_form": reason_form}, status=status)


@login_required
def settlement(request: HttpRequest, pk: int) -> HttpResponse:
    """结算单: the period's figures and each household once; ?format=xlsx or pdf."""
    item = _get(selectors.settlement_get, user=request.user, pk=pk)
    _require(request.user, "contracts.view", item)
    rows = selectors.statement_rows(item)
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return list_response(request, what="contracts.settlement",
                             name=_("结算单 %(number)s") % {"number": item.contract.number},
                             headers=STATEMENT_HEADERS, rows=settlement_rows(item, rows))
    if fmt == "pdf":
        audit_read(request, item, "download", via="settlement_pdf")
        response = HttpResponse(settlement_pdf(item, rows), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="settlement-{item.pk}.pdf"'
        return response
    return render(request, "contracts/settlement.html", {
        "item": item, "rows": rows, "money": {
            k: format_fen(getattr(item, k)) for k in (
                "price_fen", "amount_fen", "advance_before_fen", "advance_applied_fen",
                "due_fen", "refund_fen", "advance_after_fen")}})
