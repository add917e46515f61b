from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.rules.money import yuan_to_fen

from .choices import FundingSource


class ContractForm(forms.Form):
    number = forms.CharField(label=_("合同编号"), max_length=40)
    organisation_id = forms.TypedChoiceField(label=_("调查机构"), coerce=int)
    starts_on = forms.DateField(label=_("服务期开始"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("服务期结束"), widget=forms.DateInput(attrs={"type": "date"}))
    price = forms.DecimalField(label=_("每户价格（元）"), min_value=0, decimal_places=2, max_digits=12)
    advance = forms.DecimalField(label=_("预付款（元）"), min_value=0, decimal_places=2,
                                 max_digits=14, required=False)
    funding_source = forms.ChoiceField(label=_("资金来源"), choices=FundingSource.choices)
    cap = forms.IntegerField(label=_("户数上限（可不填）"), min_value=1, required=False)

    def __init__(self, *args: Any, organisations: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation_id"].choices = [  # type: ignore[attr-defined]
            (o.pk, o.name) for o in organisations or []]

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["price_fen"] = yuan_to_fen(data.pop("price"))
        data["advance_fen"] = yuan_to_fen(data.pop("advance") or 0)
        return data


class SettleForm(forms.Form):
    period_start = forms.DateField(label=_("结算期开始"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("结算期结束"), widget=forms.DateInput(attrs={"type": "date"}))


class SurveyorForm(forms.Form):
    surveyor_id = forms.TypedChoiceField(label=_("调查员"), coerce=int)

    def __init__(self, *args: Any, surveyors: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surveyor_id"].choices = [  # type: ignore[attr-defined]
            (u.pk, str(u)) for u in surveyors or []]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea({"rows": 2}))
