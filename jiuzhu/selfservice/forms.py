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


# --- 我能申请吗 (the self-check): a few questions in a resident's words -----------------

CHECK_MAX_MEMBERS = 10
SCHOOLS = (
    ("none", _("不在上学")),
    ("preschool", _("上幼儿园")),
    ("primary", _("上小学")),
    ("junior", _("上初中")),
    ("senior", _("上普通高中")),
    ("vocational", _("上中专、职高、技校")),
    ("university", _("上大学（含大专）")),
)
SEXES = (("male", _("男")), ("female", _("女")))
HOMES = (("0", _("没有自己的住房（租房、借住）")), ("1", _("有一套住房")),
         ("2", _("有两套及以上住房")))
CARS = (("none", _("没有汽车")), ("car", _("有小汽车")))
RANGE = re.compile(r"^\s*([0-9]+(?:\.[0-9]{1,2})?)\s*(?:(?:-|~|～|—|到|至)\s*([0-9]+(?:\.[0-9]{1,2})?)\s*)?$")
MAX_MONTHLY = Decimal(1_000_000)


def income_range(text: str) -> tuple[Decimal, Decimal] | None:
    """"800" → (800, 800); "600-1000" (or 600~1000, 600到1000) → (600, 1000); blank → None.
    ValidationError for anything else."""
    text = (text or "").strip().replace("，", "").replace(",", "").replace("元", "")
    if not text:
        return None
    found = RANGE.match(text)
    if not found:
        raise forms.ValidationError(
            _("请填写金额，如 800；不确定可以填一个范围，如 600-1000（不能为负数）"))
    low = Decimal(found.group(1))
    high = Decimal(found.group(2)) if found.group(2) else low
    if low > high:
        low, high = high, low
    if high > MAX_MONTHLY:
        raise forms.ValidationError(_("金额太大，请核对（不超过 100 万元/月）"))
    return low, high


class CheckForm(BigForm):
    """The household's answers (the members' come in :class:`CheckMemberForm`)."""

    township = forms.ChoiceField(label=_("住在哪个乡镇（街道）"))
    area_type = forms.ChoiceField(label=_("户口和居住地属于"), widget=forms.RadioSelect,
                                  choices=(("rural", _("农村")), ("urban", _("城镇（城市、县城）"))))
    size = forms.TypedChoiceField(label=_("家里一起生活的有几口人（包括您自己）"), coerce=int,
                                  choices=[(n, str(n)) for n in range(1, CHECK_MAX_MEMBERS + 1)],
                                  initial=1)
    savings = forms.DecimalField(
        label=_("全家存款、理财大约多少（元，没有填 0）"), required=False, min_value=Decimal(0),
        max_value=Decimal(100_000_000), max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "any"}))
    homes = forms.ChoiceField(label=_("住房"), choices=HOMES, initial="1")
    dilapidated = forms.BooleanField(label=_("住的房子是危房"), required=False)
    car = forms.ChoiceField(label=_("汽车"), choices=CARS, initial="none")
    car_value = forms.DecimalField(
        label=_("汽车现在大约值多少钱（元）"), required=False, min_value=Decimal(0),
        max_value=Decimal(100_000_000), max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "any"}))
    medical = forms.DecimalField(
        label=_("去年全家自己花的看病钱（元，报销后，没有填 0）"), required=False,
        min_value=Decimal(0), max_value=Decimal(100_000_000), max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "any"}))
    hardship = forms.BooleanField(
        label=_("最近遇到了突发困难（火灾、车祸、重病、家人去世等）"), required=False)
    single_parent = forms.BooleanField(label=_("单亲家庭（一个人带孩子）"), required=False)

    def __init__(self, *args: Any, townships: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["township"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择乡镇（街道）")), *townships]
        self.townships = townships
        self.fields["area_type"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("car") == "car" and data.get("car_value") in (None, ""):
            self.add_error("car_value", _("有汽车的，请填写大约值多少钱"))
        return data


class CheckMemberForm(BigForm):
    age = forms.IntegerField(label=_("年龄（周岁）"), min_value=0, max_value=120,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0",
                                                             "max": "120"}))
    sex = forms.ChoiceField(label=_("性别"), choices=SEXES)
    relation = forms.ChoiceField(label=_("和您的关系"), required=False,
                                 choices=[c for c in Relation.choices if c[0] != "head"],
                                 initial="child")
    health = forms.ChoiceField(label=_("身体状况"), choices=Health.choices, initial="healthy")
    school = forms.ChoiceField(label=_("上学情况"), choices=SCHOOLS, initial="none")
    occupation = forms.ChoiceField(label=_("工作情况"), choices=Occupation.choices,
                                   initial="none")
    income = forms.CharField(
        label=_("每月收入（元）"), required=False, max_length=30,
        help_text=_("没有收入填 0；不固定的可以填一个范围，如 600-1000"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    income_source = forms.ChoiceField(label=_("主要收入来源"), choices=INCOME_SOURCES,
                                      initial="wages", required=False)

    FIELDS = ("age", "sex", "relation", "health", "school", "occupation", "income",
              "income_source")

    def clean_income(self) -> tuple[Decimal, Decimal] | None:
        return income_range(self.cleaned_data.get("income", ""))

    def clean_income_source(self) -> str:
        return self.cleaned_data.get("income_source") or "wages"
