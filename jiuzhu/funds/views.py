"""Pages of the emergency funds (基金与备用金): the funds and reserves, a fund's ledger with
the forms of who may act, a statement with its chart and downloads, a donor's
acknowledgement, and the reserves' replenishment requests.

A fund outside the user's region is 'not found' exactly like a missing one; a role that may
not act gets 403; a refused form is shown again with the services' errors (422)."""

from __future__ import annotations

from datetime import date
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
from django.views.decorators.http import require_GET

from jiuzhu.audit.choices import AuditAction
from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page

from . import services
from .choices import REVERSIBLE, EntryKind, FundKind, IncomeSource, ReplenishmentState
from .documents import acknowledgement_pdf, statement_pdf
from .excel import ledger_response, statement_response
from .forms import (
    AllocateForm,
    DecideForm,
    IncomeForm,
    LedgerFilterForm,
    RecoverForm,
    RequestForm,
    ReverseForm,
    StatementForm,
)
from .models import Fund, LedgerEntry
from .present import chart_data, entry_kind_text, level_text, statement_rows, who, yuan
from .selectors import (
    entry_get,
    fund_get,
    fund_totals,
    funds_visible_to,
    ledger,
    replenishment_get,
    replenishments_visible_to,
    statement,
    unreplenished_payments,
)

PAGE_SIZE = 50


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _fund_or_404(request: HttpRequest, pk: int) -> Fund:
    try:
        return fund_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    from urllib.parse import quote

    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


# --- the list ---------------------------------------------------------------------------------


@login_required
@require_GET
def fund_list(request: HttpRequest) -> HttpResponse:
    """基金与备用金: each fund and reserve with its balance, committed and available amount."""
    _require(request.user, "funds.view")
    funds = list(funds_visible_to(request.user).order_by("region_path", "kind"))
    rows = [{"fund": f, "balance": yuan(f.balance_fen), "committed": yuan(f.committed_fen),
             "available": yuan(f.available_fen), "low": f.kind == FundKind.RESERVE
             and f.available_fen < 1_000_000} for f in funds]
    totals = {k: yuan(v) for k, v in fund_totals(funds).items()}
    return render(request, "funds/list.html", {
        "rows": rows, "totals": totals,
        "may_replenish": request.user.has_perm("funds.request_replenishment")
        or request.user.has_perm("funds.decide_replenishment")})


# --- a fund: ledger and forms -------------------------------------------------------------------

FORMS = {"income": ("funds.record_income", IncomeForm), "allocate": ("funds.allocate", AllocateForm),
         "recover": ("funds.recover", RecoverForm), "reverse": ("funds.reverse", ReverseForm)}


def _forms_for(request: HttpRequest, fund: Fund, posted: str = "",
               data: Any = None) -> dict[str, Any]:
    """The forms the user may use on this fund (None for the others)."""
    user = request.user
    found: dict[str, Any] = {}
    for name, (permission, form_class) in FORMS.items():
        if not user.has_perm(permission):
            found[name] = None
            continue
        if name == "income" and fund.kind == FundKind.RESERVE:
            found[name] = None  # a reserve receives only its fund's allocations
            continue
        if name == "allocate" and not fund.children.exists():
            found[name] = None
            continue
        bound = data if name == posted else None
        kwargs: dict[str, Any] = {"fund": fund} if name == "allocate" else {}
        if name == "reverse" and request.GET.get("reverse", "").isdigit():
            kwargs["initial"] = {"entry": int(request.GET["reverse"])}
        found[name] = form_class(bound, prefix=name, **kwargs)
    return found


def _act(request: HttpRequest, fund: Fund, name: str, form: Any) -> LedgerEntry:
    data = form.cleaned_data
    actor = request.user
    if name == "income":
        return services.record_income(
            actor=actor, fund=fund, amount_fen=data["amount"], source=data["source"],
            on=data["on"], voucher=data["voucher"], donor=data.get("donor") or "",
            receipt_number=data.get("receipt_number") or "", note=data.get("note") or "")
    if name == "allocate":
        return services.allocate(actor=actor, fund=fund, reserve=data["reserve"],
                                 amount_fen=data["amount"], on=data["on"],
                                 voucher=data["voucher"], note=data.get("note") or "")
    if name == "recover":
        return services.recover(actor=actor, fund=fund, amount_fen=data["amount"],
                                on=data["on"], voucher=data["voucher"],
                                case_id=data.get("case_id"), note=data.get("note") or "")
    entry = fund.entries.filter(pk=data["entry"]).first()
    if entry is None:
        raise ServiceError(ErrorCode.VALIDATION, _("本基金没有这个分录号"),
                           [{"path": "entry", "message": _("本基金没有这个分录号")}])
    return services.reverse(actor=actor, entry=entry, reason=data["reason"])


DONE = {"income": gettext_noop("收入已入账：%(amount)s 元。"),
        "allocate": gettext_noop("已划拨 %(amount)s 元。"),
        "recover": gettext_noop("追回款已入账：%(amount)s 元。"),
        "reverse": gettext_noop("已冲销 %(amount)s 元。")}


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A fund's ledger (newest first, paged, Excel) and the forms of who may act: income,
    allocation to a township's reserve, recovery, reversal."""
    _require(request.user, "funds.view")
    fund = _fund_or_404(request, pk)
    filters = LedgerFilterForm(request.GET or None)
    entries = filters.apply(ledger(fund))
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return ledger_response(request, fund, entries)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    status = 200
    if request.method == "POST":
        if posted not in FORMS:
            raise Http404
        _require(request.user, FORMS[posted][0])
    forms = _forms_for(request, fund, posted, request.POST if posted else None)
    if posted:
        form = forms.get(posted)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                entry = _act(request, fund, posted, form)
            except ServiceError as error:
                refuse_page(error)
                form.attach_errors(error.errors, error.message)
                status = error.status if error.status in (409, 422) else 422
            else:
                messages.success(request, _(DONE[posted]) % {"amount": yuan(abs(entry.amount_fen))})
                return redirect("funds:detail", pk=fund.pk)
        else:
            status = 422
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_read(request, fund, AuditAction.VIEW, what="fund_ledger")
    may_reverse = forms.get("reverse") is not None
    rows = [{"entry": e, "kind": entry_kind_text(e), "amount": yuan(e.amount_fen),
             "by": who(e.created_by),
             "reversible": may_reverse and e.kind in REVERSIBLE and not e.reverses_id
             and not e.reversed and not (e.kind == EntryKind.INCOME
                                         and e.source == IncomeSource.TRANSFER),
             "level": level_text(e.level) if e.level else "",
             "donation": e.kind == EntryKind.INCOME and e.source == IncomeSource.DONATION
             and not e.reverses_id and not e.reversed} for e in page.object_list]
    return render(request, "funds/detail.html", {
        "fund": fund, "page": page, "rows": rows, "forms": forms, "posted": posted,
        "filters": filters, "opened": posted or ("reverse" if request.GET.get("reverse") else ""),
        "balance": yuan(fund.balance_fen), "committed": yuan(fund.committed_fen),
        "available": yuan(fund.available_fen),
        "children": [{"fund": c, "available": yuan(c.available_fen)}
                     for c in fund.children.order_by("region_path")],
    }, status=status)


# --- statement ------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[StatementForm, date, date]:
    form = StatementForm(request.GET or None)
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    if end < start:
        start, end = end, start
    return form, start, end


@login_required
@require_GET
def fund_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """收支报表 of a fund for a period (default: this year to today): table, chart, Excel, PDF."""
    _require(request.user, "funds.view")
    fund = _fund_or_404(request, pk)
    form, start, end = _period(request)
    result = statement(fund, start, end)
    export = request.GET.get("export", "")
    if export == "xlsx":
        return statement_response(request, result)
    if export == "pdf":
        audit_read(request, fund, AuditAction.DOWNLOAD, what="fund_statement")
        return _pdf(statement_pdf(result), f"{fund.name}收支报表.pdf")
    query = f"start={start.isoformat()}&end={end.isoformat()}"
    return render(request, "funds/statement.html", {
        "fund": fund, "form": form, "start": start, "end": end, "query": query,
        "rows": [{"section": s, "item": i, "amount": yuan(f)} for s, i, f in statement_rows(result)],
        "chart": chart_data(result), "adds_up": result.adds_up,
    })


# --- donor acknowledgement --------------------------------------------------------------------------


@login_required
@require_GET
def acknowledgement(request: HttpRequest, pk: int) -> HttpResponse:
    """捐赠确认书 of a donation entry (PDF)."""
    _require(request.user, "funds.view")
    try:
        entry = entry_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None
    if (entry.kind != EntryKind.INCOME or entry.source != IncomeSource.DONATION
            or entry.reverses_id or LedgerEntry.objects.filter(reverses=entry).exists()):
        raise Http404(_("该分录不是慈善捐赠"))
    audit_read(request, entry, AuditAction.DOWNLOAD, what="acknowledgement")
    return _pdf(acknowledgement_pdf(entry), f"捐赠确认书-{entry.receipt_number}.pdf")


# --- replenishment -----------------------------------------------------------------------------------


@login_required
def replenishments(request: HttpRequest) -> HttpResponse:
    """备用金补充申请: a township reviewer asks with the list of the reserve's payments since
    the last replenishment; a county approver approves (an allocation from the county fund)
    or sends it back with a reason."""
    user = request.user
    if not (user.has_perm("funds.view") or user.has_perm("funds.request_replenishment")):
        raise PermissionDenied
    status = 200
    request_forms: dict[int, RequestForm] = {}
    decide_forms: dict[int, DecideForm] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "request":
                _require(user, "funds.request_replenishment")
                reserve = _fund_or_404(request, int(request.POST.get("reserve") or 0))
                form = RequestForm(request.POST, prefix=f"r{reserve.pk}")
                request_forms[reserve.pk] = form
                if form.is_valid():
                    made = services.request_replenishment(actor=user, reserve=reserve,
                                                          note=form.cleaned_data["note"])
                    messages.success(request, _("已提交补充申请：%(amount)s 元。") % {
                        "amount": yuan(made.amount_fen)})
                    return redirect("funds:replenishments")
                status = 422
            elif action == "decide":
                _require(user, "funds.decide_replenishment")
                try:
                    item = replenishment_get(user=user, pk=int(request.POST.get("id") or 0))
                except ServiceError as error:
                    raise Http404(error.message) from None
                decide = DecideForm(request.POST, prefix=f"d{item.pk}")
                decide_forms[item.pk] = decide
                if decide.is_valid():
                    approve = decide.cleaned_data["decision"] == "approve"
                    try:
                        services.decide_replenishment(
                            actor=user, replenishment=item, approve=approve,
                            voucher=decide.cleaned_data["voucher"],
                            reason=decide.cleaned_data["reason"])
                    except ServiceError as error:
                        refuse_page(error)
                        decide.attach_errors(error.errors, error.message)
                        status = error.status
                    else:
                        messages.success(request, _("已批准并划拨。") if approve else _("已退回。"))
                        return redirect("funds:replenishments")
                else:
                    status = 422
            else:
                raise Http404
        except ServiceError as error:
            refuse_page(error)
            messages.error(request, error.message)
            status = error.status
        except ValueError:
            raise Http404 from None
    reserves = []
    if user.has_perm("funds.request_replenishment"):
        for reserve in funds_visible_to(user).filter(kind=FundKind.RESERVE):
            payments = list(unreplenished_payments(reserve))
            pending = reserve.replenishments.filter(state=ReplenishmentState.REQUESTED).exists()
            reserves.append({
                "fund": reserve, "payments": payments, "pending": pending,
                "available": yuan(reserve.available_fen),
                "total": yuan(sum(p.amount_fen for p in payments)),
                "rows": [{"entry": p, "amount": yuan(p.amount_fen),
                          "level": level_text(p.level) if p.level else ""} for p in payments],
                "form": request_forms.get(reserve.pk) or RequestForm(prefix=f"r{reserve.pk}")})
    may_decide = user.has_perm("funds.decide_replenishment")
    items = []
    for item in replenishments_visible_to(user)[:200]:
        rows = None
        if item.state == ReplenishmentState.REQUESTED:
            rows = [{"entry": p, "amount": yuan(p.amount_fen),
                     "level": level_text(p.level) if p.level else ""}
                    for p in item.payments.select_related("township").order_by("on", "id")]
        items.append({"item": item, "amount": yuan(item.amount_fen), "payments": rows,
                      "requested_by": who(item.requested_by),
                      "decided_by": who(item.decided_by) if item.decided_at else "",
                      "form": (decide_forms.get(item.pk) or DecideForm(prefix=f"d{item.pk}"))
                      if may_decide and item.state == ReplenishmentState.REQUESTED else None})
    return render(request, "funds/replenishments.html", {
        "reserves": reserves, "items": items}, status=status)
