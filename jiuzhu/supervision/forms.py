from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.forms import ServiceErrorsMixin as ErrorsMixin
from jiuzhu.payments.months import month_parse

from .choices import Closure, TipOffSource


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def clean(self, value: Any) -> date:
        value = super().clean(value)
        try:
            return month_parse(value)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("月份格式应为 2026-04")) from None


class TipOffForm(ErrorsMixin, forms.Form):
    household_id = forms.CharField(label=_("家庭编号"), max_length=40)
    source = forms.ChoiceField(label=_("来源"), choices=TipOffSource.choices)
    received_on = forms.DateField(label=_("收到日期"), widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label=_("举报内容"), widget=forms.Textarea(attrs={"rows": 3}))


class InterviewForm(ErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("约谈事由"))
    scheduled_at = forms.CharField(label=_("约谈时间"))
    place = forms.CharField(label=_("约谈地点"))


class SuspendForm(ErrorsMixin, forms.Form):
    reasons = forms.CharField(label=_("暂停理由"), widget=forms.Textarea(attrs={"rows": 2}))
    requirements = forms.CharField(label=_("需说明或提供的材料"), required=False)


class StatementForm(ErrorsMixin, forms.Form):
    decision = forms.CharField(label=_("拟作出的决定"))
    facts = forms.CharField(label=_("认定的事实"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("依据"), required=False)
    respond_by = forms.DateField(label=_("陈述申辩期限"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))


class RecoveryForm(ErrorsMixin, forms.Form):
    from_month = MonthField(label=_("起始月份"))
    to_month = MonthField(label=_("截止月份"))
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(ErrorsMixin, forms.Form):
    summary = forms.CharField(label=_("核查情况概述"), widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label=_("核查结论"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(label=_("结案处理"), choices=Closure.choices)
