from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .months import month_parse


class PayrollForm(forms.Form):
    township: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("乡镇（街道）"), queryset=None,
                                      empty_label=None)
    month = forms.CharField(label=_("发放月份"), widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args: Any, townships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        township = self.fields["township"]
        assert isinstance(township, forms.ModelChoiceField)
        township.queryset = townships

    def clean_month(self) -> date:
        try:
            return month_parse(self.cleaned_data["month"])
        except (ValueError, TypeError):
            raise forms.ValidationError(_("月份格式应为 2026-04")) from None


class BankAccountForm(forms.Form):
    bank_name = forms.CharField(label=_("开户行"), max_length=100)
    account_number = forms.CharField(label=_("账号"), max_length=40)
    holder_name = forms.CharField(label=_("户名"), max_length=64)

    def attach_errors(self, errors: list[dict[str, str]], message: str) -> None:
        for error in errors:
            field = error.get("path")
            self.add_error(field if field in self.fields else None, error["message"])
        if not errors:
            self.add_error(None, message)
