"""Pages of payment (发放): the monthly payroll of a township and a household's account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.households.selectors import household_get

from .forms import BankAccountForm, PayrollForm
from .models import BankAccount
from .selectors import payroll_get, payrolls_visible_to, townships_for
from .services import (
    bank_account_set,
    payroll_confirm,
    payroll_generate,
)


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


@login_required
def payroll(request: HttpRequest) -> HttpResponse:
    """发放花名册: pick a township and a month, generate, download; the past lists."""
    _require(request.user, "payments.view_payroll")
    posted = request.method == "POST"
    form = PayrollForm(request.POST if posted else None, townships=townships_for(request.user))
    if posted and form.is_valid():
        try:
            made = payroll_generate(actor=request.user, township=form.cleaned_data["township"],
                                    month=form.cleaned_data["month"])
        except ServiceError as error:
            refuse_page(error)
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已生成 %(name)s %(month)s 花名册：%(count)s 户，合计 %(total)s 元") % {
                "name": made.township.name, "month": f"{made.month:%Y-%m}", "count": made.count,
                "total": made.total})
            return redirect("payments:payroll")
    payrolls = payrolls_visible_to(request.user)[:60]
    return render(request, "payments/payroll.html", {"form": form, "payrolls": payrolls},
                  status=422 if posted else 200)


@login_required
@require_POST
def payroll_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """确认 a payroll: it can no longer be generated again."""
    try:
        payroll_confirm(actor=request.user, payroll=payroll_get(user=request.user, pk=pk))
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("花名册已确认"))
    return redirect("payments:payroll")


@login_required
@require_GET
def payroll_download(request: HttpRequest, pk: int) -> FileResponse:
    _require(request.user, "payments.view_payroll")
    try:
        payroll = payroll_get(user=request.user, pk=pk)
    except ServiceError as error:
        refuse_page(error)
        raise
    if not payroll.file:
        raise Http404
    audit_read(request, payroll, "export", what="payroll")
    return FileResponse(payroll.file.open("rb"), as_attachment=True,
                        filename=f"{payroll.township.name}{payroll.month:%Y年%m月}发放花名册.xlsx")


@login_required
def account(request: HttpRequest, household_pk: int) -> HttpResponse:
    """发放账户 of a household."""
    try:
        household = household_get(user=request.user, pk=household_pk)
    except ServiceError as error:
        refuse_page(error)
        raise
    _require(request.user, "payments.set_account")
    current = BankAccount.objects.filter(household=household).first()
    posted = request.method == "POST"
    if not posted:
        audit_read(request, household, what="bank_account")
    initial = ({"bank_name": current.bank_name, "account_number": current.account_number,
                "holder_name": current.holder_name} if current else
               {"holder_name": household.head_name})
    form = BankAccountForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            bank_account_set(actor=request.user, household=household, **form.cleaned_data)
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
        else:
            messages.success(request, _("发放账户已保存"))
            return redirect("payments:account", household_pk=household.pk)
    return render(request, "payments/account.html",
                  {"form": form, "household": household, "current": current},
                  status=422 if posted else 200)
