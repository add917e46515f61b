"""/api/v1/payrolls — the monthly payroll (发放花名册) over HTTP, with the page's visibility
and permissions: the lists of the user's region (another township's list is 404), for the
payroll roles only (403 otherwise); generating and confirming call the same services."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.downloads import xlsx_response
from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import iso, refusals
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error

from .models import Payroll
from .months import month_parse
from .schemas import PayrollIn, PayrollList, PayrollOut
from .selectors import payroll_get, payrolls_visible_to, townships_for
from .services import payroll_confirm, payroll_generate

router = Router(tags=["发放 payroll"])


def _require_payroll_role(user: Any) -> None:
    """The page's predicate (``payments/rules.py``): the payroll roles."""
    if not user.has_perm("payments.view_payroll"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能办理此事项"))


def _name(user: Any) -> str | None:
    return (user.full_name or user.username) if user is not None else None


def payroll_to_dict(payroll: Payroll) -> dict[str, Any]:
    return {
        "id": payroll.pk,
        "township": {"code": payroll.township.code, "name": payroll.township.name},
        "month": f"{payroll.month:%Y-%m}", "status": payroll.status, "count": payroll.count,
        "total": f"{payroll.total:.2f}", "sha256": payroll.sha256,
        "generated_at": iso(payroll.generated_at), "generated_by": _name(payroll.generated_by),
        "confirmed_at": iso(payroll.confirmed_at), "confirmed_by": _name(payroll.confirmed_by),
        "download": reverse("api:payroll_download", args=[payroll.pk]),
    }


@router.get("", response={200: PayrollList, **refusals(403)}, summary="花名册列表 Payrolls")
def list_payrolls(request, month: str = ""):
    """The payrolls of the user's region, newest month first (`?month=YYYY-MM` filters)."""
    _require_payroll_role(request.auth)
    payrolls = payrolls_visible_to(request.auth)
    if month:
        try:
            payrolls = payrolls.filter(month=month_parse(month))
        except ValueError:
            raise field_error("month", _("月份格式应为 2026-04")) from None
    rows = list(payrolls[:200])
    return {"count": len(rows), "items": [payroll_to_dict(p) for p in rows]}


@router.post("", response={201: PayrollOut, **refusals(403, 404, 409, 422)},
             summary="生成花名册 Generate a township's payroll for a month")
def generate_payroll(request, payload: PayrollIn):
    """→ 201 the list (generated again while a draft); 409 once it is confirmed."""
    _require_payroll_role(request.auth)
    township = townships_for(request.auth).filter(code=payload.township).first()
    if township is None:
        raise field_error("township", _("乡镇（街道）不存在或不在您的辖区"))
    try:
        month = month_parse(payload.month)
    except ValueError:
        raise field_error("month", _("月份格式应为 2026-04")) from None
    made = payroll_generate(actor=request.auth, township=township, month=month)
    return Status(201, payroll_to_dict(payroll_get(user=request.auth, pk=made.pk)))


@router.get("/{int:payroll_id}", response={200: PayrollOut, **refusals(403, 404)},
            summary="花名册 A payroll")
def get_payroll(request, payroll_id: int):
    payroll = payroll_get(user=request.auth, pk=payroll_id)
    _require_payroll_role(request.auth)
    audit_read(request, payroll, via="api")
    return payroll_to_dict(payroll)


@router.post("/{int:payroll_id}/confirm", response={200: PayrollOut, **refusals(403, 404, 409)},
             summary="确认花名册 Confirm a payroll (final)")
def confirm_payroll(request, payroll_id: int):
    payroll = payroll_get(user=request.auth, pk=payroll_id)
    payroll_confirm(actor=request.auth, payroll=payroll)
    return payroll_to_dict(payroll_get(user=request.auth, pk=payroll_id))


@router.get("/{int:payroll_id}/download", url_name="payroll_download",
            response={200: None, **refusals(403, 404)},
            summary="下载花名册 The payroll as Excel (audited)")
def download_payroll(request, payroll_id: int) -> HttpResponse:
    payroll = payroll_get(user=request.auth, pk=payroll_id)
    _require_payroll_role(request.auth)
    if not payroll.file:
        raise ServiceError(ErrorCode.NOT_FOUND, _("花名册文件不存在"))
    with payroll.file.open("rb") as handle:
        content = handle.read()
    return xlsx_response(request, content, what="payroll", rows=payroll.count,
                         name=f"{payroll.township.name}{payroll.month:%Y年%m月}发放花名册",
                         detail={"payroll": payroll.pk, "sha256": payroll.sha256})
