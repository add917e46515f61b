"""Forms of the funds pages; they only parse what was typed (yuan → fen), the services
decide and name what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.forms import ServiceErrorsMixin, StyledForm
from jiuzhu.rules.money import NotANumber, yuan_to_fen

from .choices import RECORDABLE_SOURCES, EntryKind, IncomeSource
from .models import Fund


class FundForm(ServiceErrorsMixin, StyledForm):
    """Bootstrap widgets, and the services' errors next to the fields they name."""


class YuanField(forms.CharField):
    """An amount in yuan (at most two decimals), cleaned to integer fen."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("金额（元）"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in ("", None):
            return None
        try:
            fen = yuan_to_fen(str(text).replace(",", "").replace("，", ""))
        except (NotANumber, ValueError):
            raise forms.ValidationError(_("请填写金额，最多两位小数")) from None
        if fen <= 0:
            raise forms.ValidationError(_("金额应大于 0 元"))
        return fen


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, initial=timezone.localdate,
                           widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class IncomeForm(FundForm):
    source = forms.ChoiceField(label=_("资金来源"), choices=[
        (s.value, s.label) for s in RECORDABLE_SOURCES])
    amount = YuanField()
    on = _date_field(_("到账日期"))
    voucher = forms.CharField(label=_("凭证号"), max_length=64)
    donor = forms.CharField(label=_("捐赠人（慈善捐赠必填）"), max_length=100, required=False)
    receipt_number = forms.CharField(label=_("捐赠收据号（慈善捐赠必填）"), max_length=64,
                                     required=False)
    note = forms.CharField(label=_("说明"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == IncomeSource.DONATION:
            for name, message in (("donor", _("慈善捐赠须填写捐赠人")),
                                  ("receipt_number", _("慈善捐赠须填写捐赠收据号"))):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        return data


class AllocateForm(FundForm):
    reserve = forms.ModelChoiceField(label=_("划拨给"), queryset=Fund.objects.none())
    amount = YuanField()
    on = _date_field(_("划拨日期"))
    voucher = forms.CharField(label=_("凭证号"), max_length=64)
    note = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reserve"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = fund.children.order_by("region_path")


class RecoverForm(FundForm):
    amount = YuanField()
    on = _date_field(_("追回日期"))
    voucher = forms.CharField(label=_("凭证号"), max_length=64)
    case_id = forms.IntegerField(label=_("急难个案 id（可不填）"), required=False, min_value=1)
    note = forms.CharField(label=_("说明"), required=False)


class ReverseForm(FundForm):
    entry = forms.IntegerField(label=_("分录号"), min_value=1)
    reason = forms.CharField(label=_("冲销原因"), max_length=500)


class StatementForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date",
                                                          "class": "form-control"}))
    end = forms.DateField(label=_("截止日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


class RequestForm(FundForm):
    note = forms.CharField(label=_("申请说明"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(FundForm):
    decision = forms.ChoiceField(label=_("审批意见"), choices=[
        ("approve", _("批准并划拨")), ("refuse", _("退回"))], widget=forms.RadioSelect)
    voucher = forms.CharField(label=_("划拨凭证号（批准时必填）"), max_length=64, required=False)
    reason = forms.CharField(label=_("退回理由（退回时必填）"), required=False)


class LedgerFilterForm(StyledForm):
    """The ledger page's filter (kept by the pager and the Excel export)."""

    control_size = "sm"
    kind = forms.ChoiceField(label=_("类别"), required=False,
                             choices=[("", _("全部类别")), *EntryKind.choices])
    start = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date"}))
    case = forms.CharField(label=_("个案编号"), required=False, max_length=32)

    def apply(self, entries: Any) -> Any:
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data.get("kind"):
            entries = entries.filter(kind=data["kind"])
        if data.get("start"):
            entries = entries.filter(on__gte=data["start"])
        if data.get("end"):
            entries = entries.filter(on__lte=data["end"])
        if data.get("case"):
            entries = entries.filter(case_number__icontains=data["case"].strip())
        return entries
