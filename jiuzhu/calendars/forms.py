"""Forms of the calendar pages: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.errors import ServiceError

from .choices import DayKind
from .services import calendar_day_problems

_MIN_YEAR, _MAX_YEAR = 2000, 2100


class CalendarDayForm(forms.Form):
    """Set one day's status (调整日期), with the reason."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("设为"), choices=DayKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label=_("名称"), required=False, max_length=64,
                           help_text=_("节假日名称，如 春节、国庆节；调休上班日可不填"),
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    reason = forms.CharField(label=_("调整原因"), max_length=200,
                             help_text=_("如 依据国务院办公厅关于节假日安排的通知"),
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def clean_date(self):
        value = self.cleaned_data["date"]
        if not _MIN_YEAR <= value.year <= _MAX_YEAR:
            raise forms.ValidationError(_("日期须在 %(min)s 年至 %(max)s 年之间"),
                                        params={"min": _MIN_YEAR, "max": _MAX_YEAR})
        return value

    def clean(self):
        """Report every problem at once, as the service would (it checks again)."""
        super().clean()
        data = self.cleaned_data
        if "date" in data and "kind" in data:
            for problem in calendar_day_problems(day=data["date"], kind=data["kind"],
                                                 name=data.get("name", ""),
                                                 reason=data.get("reason") or "-"):
                if problem["path"] not in self.errors:
                    self.add_error(problem["path"], problem["message"])
        return data


class CalendarDayResetForm(forms.Form):
    """Undo a manual edit (恢复默认)."""

    date = forms.DateField(label=_("日期"), widget=forms.HiddenInput)
    reason = forms.CharField(label=_("恢复原因"), max_length=200,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


def attach_service_error(form: forms.Form, error: ServiceError) -> None:
    placed = False
    for item in error.errors:
        path: Any = item.get("path")
        if path in form.fields:
            form.add_error(path, item.get("message") or error.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
