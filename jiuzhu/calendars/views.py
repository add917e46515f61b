"""Pages of the working-day calendar (工作日历): a printable month grid for everyone logged
in, and the list of a year's holidays and adjusted days with the administrators' edit form.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.core.errors import ServiceError

from .forms import CalendarDayForm, CalendarDayResetForm, attach_service_error
from .selectors import (
    calendar_edits,
    calendar_exceptions,
    calendar_month,
    calendar_year_known,
    calendar_years,
)
from .services import calendar_day_reset, calendar_day_set

EDIT_PERMISSION = "calendars.change_calendarday"
WEEKDAY_NAMES = ("一", "二", "三", "四", "五", "六", "日")
_MIN_YEAR, _MAX_YEAR = 2000, 2100


def _year(value: str | None, default: int) -> int:
    try:
        year = int(value) if value else default
    except ValueError:
        return default
    return year if _MIN_YEAR <= year <= _MAX_YEAR else default


@login_required
def calendar_month_page(request: HttpRequest, year: int | None = None,
                        month: int | None = None) -> HttpResponse:
    """工作日历（月历）: one month, working days, holidays and adjusted days; printable."""
    today = timezone.localdate()
    if year is None or month is None:
        year = _year(request.GET.get("year"), today.year)
        try:
            month = int(request.GET.get("month") or today.month)
        except ValueError:
            month = today.month
    if not (_MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12):
        raise Http404(_("没有这个月份"))
    grid = calendar_month(year, month)
    return render(request, "calendars/month.html", {
        "grid": grid, "today": today, "weekday_names": WEEKDAY_NAMES,
        "months": range(1, 13), "years": range(max(_MIN_YEAR, year - 10), min(_MAX_YEAR, year + 3)),
        "may_edit": request.user.has_perm(EDIT_PERMISSION),
    })


def _days_context(request: HttpRequest, year: int, form: CalendarDayForm) -> dict:
    known_years = calendar_years()
    return {
        "year": year,
        "years": sorted(set(known_years) | {year, timezone.localdate().year + 1}),
        "known": calendar_year_known(year),
        "days": calendar_exceptions(year=year),
        "edits": calendar_edits(year=year),
        "form": form,
        "may_edit": request.user.has_perm(EDIT_PERMISSION),
    }


@login_required
def calendar_days_page(request: HttpRequest) -> HttpResponse:
    """节假日与调休: a year's holidays, adjusted working days and manual edits; an
    administrator sets a day's status here (POST), with a reason."""
    today = timezone.localdate()
    if request.method == "POST":
        if not request.user.has_perm(EDIT_PERMISSION):
            raise PermissionDenied
        form = CalendarDayForm(request.POST)
        year = _year(request.POST.get("year"), today.year)
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = calendar_day_set(actor=request.user, day=data["date"], kind=data["kind"],
                                       name=data["name"], reason=data["reason"])
            except ServiceError as error:
                attach_service_error(form, error)
            else:
                messages.success(request, _("已将 %(day)s 设为%(kind)s") % {
                    "day": row.date.isoformat(), "kind": row.get_kind_display()})
                return redirect(f"{reverse('calendars:days')}?year={row.date.year}")
        elif form.cleaned_data.get("date"):
            year = form.cleaned_data["date"].year
        response = render(request, "calendars/days.html", _days_context(request, year, form))
        response.status_code = 422
        return response
    year = _year(request.GET.get("year"), today.year)
    initial = {}
    prefill = request.GET.get("date", "")
    try:
        initial["date"] = date.fromisoformat(prefill) if prefill else None
    except ValueError:
        initial["date"] = None
    if initial["date"] and not request.GET.get("year"):
        year = initial["date"].year
    return render(request, "calendars/days.html",
                  _days_context(request, year, CalendarDayForm(initial=initial)))


@login_required
@require_POST
def calendar_day_reset_page(request: HttpRequest) -> HttpResponse:
    """Undo a manual edit of one day (恢复默认), with a reason; administrators only."""
    if not request.user.has_perm(EDIT_PERMISSION):
        raise PermissionDenied
    form = CalendarDayResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写恢复原因"))
        return redirect("calendars:days")
    day = form.cleaned_data["date"]
    try:
        calendar_day_reset(actor=request.user, day=day, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已将 %(day)s 恢复为默认安排") % {"day": day.isoformat()})
    return redirect(f"{reverse('calendars:days')}?year={day.year}")
