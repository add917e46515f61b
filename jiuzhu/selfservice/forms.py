"""The forms of the resident's online application, one per step.

They only parse what was typed and name the field of every error; the services check the
whole application again before anything is stored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.households.choices import Health, Occupation, Relation
from jiuzhu.rules.validation import id_number_valid

PHONE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")
LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")
CODE = re.compile(r"^[A-Z0-9-]{4,32}$")
MAX_MEMBERS = 12


def clean_id_number(value: str) -> str:
    value = (value or "").strip().upper().replace(" ", "")
    if len(value) != 18:
        raise forms.ValidationError(_("身份证号码应为 18 位"), code="length")
    if not id_number_valid(value):
        raise forms.ValidationError(_("身份证号码有误（校验位或出生日期不对），请核对"),
                                    code="checksum")
    return value


class BigForm(forms.Form):
    """Large touch targets, and ``aria-invalid`` on a field with an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, bound in self.fields.items():
            widget = bound.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-lg"
            else:
                css = "form-control form-control-lg"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            widget.attrs.setdefault("aria-describedby", f"{self.add_prefix(name)}-error")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class Honeypot(forms.Form):
    # Left empty by people (it is hidden); robots fill every field.
    website = forms.CharField(required=False, label=_("网址（请留空）"),
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))


class IdentityForm(BigForm):
    name = forms.CharField(label=_("申请人姓名"), max_length=50, min_length=2,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(label=_("身份证号码"), max_length=20,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "inputmode": "text"}))
    phone = forms.CharField(label=_("联系电话"), max_length=20,
                            widget=forms.TextInput(attrs={"autocomplete": "tel",
                                                          "inputmode": "tel"}))
    consent = forms.BooleanField(
        label=_("我同意并授权民政部门对我和家庭成员的收入、财产等经济状况进行核对（家庭经济状况核对授权）"),
        error_messages={"required": _("必须同意家庭经济状况核对授权，才能提交救助申请")})
    website = Honeypot.base_fields["website"]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip().replace(" ", "")
        if not PHONE.match(phone):
            raise forms.ValidationError(_("请填写 11 位手机号码或带区号的固定电话"))
        return phone


class HouseholdForm(BigForm):
    township = forms.ChoiceField(label=_("所在乡镇（街道）"), required=False)
    village = forms.ChoiceField(label=_("所在村（社区）"))
    address = forms.CharField(label=_("现住址"), max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    notes = forms.CharField(label=_("家庭困难情况说明（选填）"), required=False, max_length=500,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, townships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.townships = townships
        self.township_of = {code: town.code for town in townships for code, _n in town.villages}
        town_field = self.fields["township"]
        village_field = self.fields["village"]
        assert isinstance(town_field, forms.ChoiceField)
        assert isinstance(village_field, forms.ChoiceField)
        town_field.choices = [("", _("请选择乡镇（街道）")),
                              *[(town.code, town.name) for town in townships]]
        village_field.choices = [("", _("请选择村（社区）")),
                                 *[(town.name, town.villages) for town in townships]]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        village, township = data.get("village"), data.get("township")
        if village:
            if township and self.township_of.get(village) != township:
                self.add_error("village", _("所选村（社区）不属于所选乡镇（街道）"))
            else:
                data["township"] = self.township_of.get(village, "")
        return data


# Where a member's money comes from, in a resident's words; the registry's income kinds.
INCOME_SOURCES = (
    ("wages", _("工资、打工收入")),
    ("business", _("种地养殖、做生意的收入")),
    ("pension", _("养老金、退休金")),
    ("transfer", _("补贴、抚恤金、亲友给的钱")),
    ("property", _("房租、利息等")),
)


class MemberForm(BigForm):
    name = forms.CharField(label=_("姓名"), max_length=50, min_length=2)
    id_number = forms.CharField(label=_("身份证号码"), max_length=20)
    relation = forms.ChoiceField(label=_("与户主关系"),
                                 choices=[("", "—"), *Relation.choices])
    health = forms.ChoiceField(label=_("健康状况"), choices=Health.choices, initial="healthy")
    occupation = forms.ChoiceField(label=_("就业状况"), choices=Occupation.choices,
                                   initial="none")
    # Asked monthly (as residents think of it); the registry keeps it per year, ×12 in fen.
    monthly_income = forms.DecimalField(
        label=_("每月收入（元/月，没有填 0 或留空）"), required=False, min_value=Decimal(0),
        max_digits=10, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}))
    income_source = forms.ChoiceField(label=_("主要收入来源"), choices=INCOME_SOURCES,
                                      initial="wages", required=False)

    def clean_income_source(self) -> str:
        return self.cleaned_data.get("income_source") or "wages"

    FIELDS = ("name", "id_number", "relation", "health", "occupation", "monthly_income",
              "income_source")
    TYPED = ("name", "id_number", "relation")  # a row with none of these is an empty row

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def is_blank(self) -> bool:
        return not any((self.data.get(self.add_prefix(n)) or "").strip() for n in self.TYPED)


class ItemsForm(BigForm):
    items = forms.MultipleChoiceField(
        label=_("申请事项"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个申请事项")})

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(c, c) for c in codes]

    def clean_items(self) -> list[str]:
        items = self.cleaned_data["items"]
        if len(items) > 10:
            raise forms.ValidationError(_("一次最多申请 10 个事项"))
        return items


class TrackForm(BigForm):
    code = forms.CharField(label=_("查询码"), max_length=32,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters"}))
    last4 = forms.CharField(label=_("申请人身份证号码后 4 位"), max_length=4, min_length=4,
                            widget=forms.TextInput(attrs={"autocomplete": "off",
                                                          "inputmode": "text"}))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper().replace(" ", "")
        if not CODE.match(code):
            raise forms.ValidationError(_("查询码格式不对，请核对"))
        return code

    def clean_last4(self) -> str:
        last4 = self.cleaned_data["last4"].strip().upper()
        if not LAST4.match(last4):
            raise forms.ValidationError(_("请填写身份证号码的最后 4 位（最后一位可能是 X）"))
        return last4
