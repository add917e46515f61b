"""Forms of the household registry pages (家庭档案): a household form and formsets for its
members, supporters and vehicles.

The forms only parse what was typed; :func:`household_data_from_forms` turns them into a
household dict in the shape of household.schema.json, and the services decide whether it
is acceptable. :func:`attach_service_errors` puts the services' error paths
(``members[2].id_number``) back onto the field the worker typed them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.forms import StyledForm as CoreStyledForm
from jiuzhu.regions.choices import AreaType
from jiuzhu.regions.models import Region
from jiuzhu.rules.validation import birth_date_from_id, id_check_character, validate_household

from .choices import (
    EXPENDITURE_KINDS,
    FLAG_NAMES,
    INCOME_KINDS,
    CareLevel,
    Health,
    HouseholdStatus,
    Occupation,
    Relation,
    SchoolLevel,
    SupporterRelation,
    SupportExemption,
    VehicleKind,
)
from .models import Household, Member, Supporter, Vehicle
from .serializers import ASSET_MONEY, ASSET_NUMBERS

# Grids are not offered: household.schema.json allows region codes of 6, 9 or 12 digits.
HOUSEHOLD_LEVELS = ("township", "village")
FILTER_LEVELS = ("township", "village")
ASSET_FIELDS = ("homes_owned", "housing_area_m2", "dilapidated_housing", "financial_assets",
                "business_registration", "large_machinery_value", "livestock_sheep_units",
                "contracted_land_mu", "commercial_insurance_premium_annual", "debts")
ASSET_BOOLEANS = ("dilapidated_housing", "business_registration")
MEMBER_FLAGS = ("in_school", "public_servant", "orphan_or_unsupported")
LEVEL_INDENT = {"township": "", "village": "\u3000", "grid": "\u3000\u3000"}


def field_label(model: type[models.Model], name: str) -> Any:
    """The verbose name (Chinese label) of a model field."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.verbose_name


#: Units shown beside amounts. Incomes and rigid expenditures are yearly in the registry;
#: the form may take them monthly (元/月), converted to the year exactly (× 12, in fen).
YEARLY, MONTHLY = "year", "month"
UNITS = {YEARLY: _("元/年"), MONTHLY: _("元/月")}
YUAN = _("元")
MONTHS = 12


def _money(model: type[models.Model], name: str, unit: Any = YUAN,
           periodic: bool = False) -> forms.DecimalField:
    money = forms.DecimalField(label=field_label(model, name), required=False,
                               min_value=Decimal(0), max_digits=14, decimal_places=2,
                               widget=forms.NumberInput(attrs={"step": "0.01", "min": "0",
                                                               "inputmode": "decimal"}))
    money.unit = unit  # type: ignore[attr-defined]
    money.periodic = periodic  # type: ignore[attr-defined]
    return money


def _number(model: type[models.Model], name: str) -> forms.DecimalField:
    return forms.DecimalField(label=field_label(model, name), required=False, min_value=Decimal(0),
                              max_digits=9, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}))


def _flag(model: type[models.Model], name: str) -> forms.BooleanField:
    return forms.BooleanField(label=field_label(model, name), required=False)


def _blank_choice(choices: list[tuple[str, Any]], label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _visible_regions(user: Any) -> QuerySet[Region]:
    return Region.objects.visible_to(user)


def region_options(user: Any, levels: tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, indented name) of the regions of ``levels`` in the user's subtree, tree order."""
    qs = _visible_regions(user).filter(level__in=levels).order_by("path")
    return [(r.code, f"{LEVEL_INDENT.get(r.level, '')}{r.name}")
            for r in qs.only("code", "name", "level")]


class StyledForm(CoreStyledForm):
    """Small Bootstrap controls (the registry's forms are dense tables)."""

    control_size = "sm"


class HouseholdSearchForm(forms.Form):
    """The list page's filters; invalid values fall back to 'no filter'."""

    STATUS_ALL = "all"

    q = forms.CharField(label=_("关键词"), required=False, max_length=100, help_text=_(
        "一两个字按姓或名的开头查找（如“王”“小明”）；三个字以上查姓名和住址"))
    region = forms.ChoiceField(label=_("区划"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = region_options(user, FILTER_LEVELS)
        wanted = self.data.get("region") if self.is_bound else None
        if wanted and wanted not in dict(options):
            # The home page links the user's child regions, which may be cities or counties.
            options += [(r.code, r.name) for r in _visible_regions(user).filter(code=wanted)]
        region = cast(forms.ChoiceField, self.fields["region"])
        region.choices = _blank_choice(options, _("全部区划"))
        status = cast(forms.ChoiceField, self.fields["status"])
        status.choices = [*HouseholdStatus.choices, (self.STATUS_ALL, _("全部状态"))]

    def search_arguments(self) -> dict[str, str]:
        data: dict[str, Any] = {}
        if self.is_bound:
            # An unknown region or status is dropped alone; the rest of the search applies.
            self.full_clean()
            data = self.cleaned_data
        status = data.get("status") or HouseholdStatus.ACTIVE
        return {"q": data.get("q", ""), "region_code": data.get("region", ""),
                "status": "" if status == self.STATUS_ALL else status}


class HouseholdForm(StyledForm):
    """The household itself (家庭基本信息), with its expenditures, assets and flags."""

    household_id = forms.CharField(label=field_label(Household, "household_id"), max_length=40,
                                   required=False, help_text=_("留空则自动编号（H＋区划代码＋序号）"))
    region = forms.ChoiceField(label=field_label(Household, "region"))
    area_type = forms.ChoiceField(label=field_label(Household, "area_type"),
                                  choices=_blank_choice(AreaType.choices))
    assessment_date = forms.DateField(label=field_label(Household, "assessment_date"),
                                      widget=forms.DateInput(attrs={"type": "date"},
                                                             format="%Y-%m-%d"))
    address = forms.CharField(label=field_label(Household, "address"), max_length=200,
                              required=False)
    phone = forms.CharField(label=field_label(Household, "phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    amount_period = forms.ChoiceField(
        label=_("收入和刚性支出按"), required=False, initial=YEARLY,
        choices=[(YEARLY, _("全年金额（元/年）")), (MONTHLY, _("每月金额（元/月），保存时 ×12 折算为全年"))],
        widget=forms.RadioSelect)

    medical = _money(Household, "medical", UNITS[YEARLY], periodic=True)
    education = _money(Household, "education", UNITS[YEARLY], periodic=True)
    insurance_premiums = _money(Household, "insurance_premiums", UNITS[YEARLY], periodic=True)
    other_rigid = _money(Household, "other_rigid", UNITS[YEARLY], periodic=True)

    homes_owned = forms.IntegerField(label=field_label(Household, "homes_owned"), required=False,
                                     min_value=0)
    housing_area_m2 = _number(Household, "housing_area_m2")
    dilapidated_housing = _flag(Household, "dilapidated_housing")
    financial_assets = _money(Household, "financial_assets")
    business_registration = _flag(Household, "business_registration")
    large_machinery_value = _money(Household, "large_machinery_value")
    livestock_sheep_units = _number(Household, "livestock_sheep_units")
    contracted_land_mu = _number(Household, "contracted_land_mu")
    commercial_insurance_premium_annual = _money(Household, "commercial_insurance_premium_annual")
    debts = _money(Household, "debts")

    home_purchased_within_12m = _flag(Household, "home_purchased_within_12m")
    private_school_or_abroad = _flag(Household, "private_school_or_abroad")
    refuses_verification = _flag(Household, "refuses_verification")
    false_information = _flag(Household, "false_information")
    asset_transfer_or_split = _flag(Household, "asset_transfer_or_split")
    single_parent = _flag(Household, "single_parent")
    recent_hardship_event = _flag(Household, "recent_hardship_event")

    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    BASIC_FIELDS = ("household_id", "region", "area_type", "assessment_date", "address", "phone")
    EXPENDITURE_FIELDS = EXPENDITURE_KINDS
    ASSET_FIELDS = ASSET_FIELDS
    FLAG_FIELDS = FLAG_NAMES

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        region = cast(forms.ChoiceField, self.fields["region"])
        region.choices = _blank_choice(region_options(user, HOUSEHOLD_LEVELS))
        if editing:
            # The household number is the household's identity; the service keeps it.
            self.fields["household_id"].disabled = True
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def group(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def basic(self) -> list[forms.BoundField]:
        return self.group(self.BASIC_FIELDS)

    @property
    def period(self) -> str:
        """``month`` when the worker typed incomes and expenditures per month."""
        value = self.data.get(self.add_prefix("amount_period")) if self.is_bound else None
        return MONTHLY if value == MONTHLY else YEARLY

    def expenditures(self) -> list[forms.BoundField]:
        return self.group(self.EXPENDITURE_FIELDS)

    def asset_amounts(self) -> list[forms.BoundField]:
        return self.group(tuple(n for n in self.ASSET_FIELDS if n not in ASSET_BOOLEANS))

    def asset_flags(self) -> list[forms.BoundField]:
        return self.group(ASSET_BOOLEANS)

    def flags(self) -> list[forms.BoundField]:
        return self.group(self.FLAG_FIELDS)


class MemberForm(StyledForm):
    """One member (家庭成员)."""

    member_id = forms.CharField(
        label=field_label(Member, "member_id"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("留空自动编号")}))
    name = forms.CharField(label=field_label(Member, "name"), max_length=64)
    id_number = forms.CharField(label=field_label(Member, "id_number"), max_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "spellcheck": "false"}))
    relation = forms.ChoiceField(label=field_label(Member, "relation"),
                                 choices=_blank_choice(Relation.choices))
    birth_date = forms.DateField(label=field_label(Member, "birth_date"), required=False,
                                 help_text=_("按身份证号自动填写"),
                                 widget=forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d"))
    health = forms.ChoiceField(label=field_label(Member, "health"),
                               choices=_blank_choice(Health.choices))
    occupation = forms.ChoiceField(label=field_label(Member, "occupation"),
                                   choices=_blank_choice(Occupation.choices))
    school_level = forms.ChoiceField(label=field_label(Member, "school_level"),
                                     choices=SchoolLevel.choices, required=False)
    care_level = forms.ChoiceField(label=field_label(Member, "care_level"), required=False,
                                   choices=_blank_choice(CareLevel.choices))
    refused_job_offers = forms.IntegerField(label=field_label(Member, "refused_job_offers"),
                                            required=False, min_value=0)
    in_school = _flag(Member, "in_school")
    public_servant = _flag(Member, "public_servant")
    orphan_or_unsupported = _flag(Member, "orphan_or_unsupported")
    wages = _money(Member, "wages", UNITS[YEARLY], periodic=True)
    business = _money(Member, "business", UNITS[YEARLY], periodic=True)
    property = _money(Member, "property", UNITS[YEARLY], periodic=True)
    transfer = _money(Member, "transfer", UNITS[YEARLY], periodic=True)
    pension = _money(Member, "pension", UNITS[YEARLY], periodic=True)

    MAIN_FIELDS = ("member_id", "name", "id_number", "relation", "birth_date", "health",
                   "occupation", "school_level", "care_level", "refused_job_offers")
    INCOME_FIELDS = INCOME_KINDS
    FLAG_FIELDS = MEMBER_FLAGS

    def clean_id_number(self) -> str:
        number = self.cleaned_data["id_number"].strip().upper()
        if not ID_NUMBER.match(number):
            raise forms.ValidationError(_("身份证号应为 18 位：17 位数字加 1 位数字或 X"))
        if id_check_character(number[:17]) != number[17]:
            raise forms.ValidationError(_("身份证号校验位错误"))
        if birth_date_from_id(number) is None:
            raise forms.ValidationError(_("身份证号中的出生日期无效"))
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("birth_date") is None and "birth_date" not in self.errors:
            born = birth_date_from_id(data.get("id_number") or "")
            if born is not None:
                data["birth_date"] = born  # left empty: taken from the ID number
            elif "id_number" not in self.errors:
                self.add_error("birth_date", _("请填写出生日期，或填写身份证号自动生成"))
        return data

    def sex(self) -> str:  # a method: ``property`` is the income field of that name here
        """男 or 女 by the 17th character of the ID number as typed (or registered)."""
        number = (self.data.get(self.add_prefix("id_number"), "") if self.is_bound
                  else self.initial.get("id_number", "")) or ""
        return sex_from_id(str(number).strip())

    def main(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS]

    def incomes(self) -> list[forms.BoundField]:
        return [self[name] for name in self.INCOME_FIELDS]

    def flags(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FLAG_FIELDS]


SUPPORTS_SPLIT = re.compile(r"[\s,，、;；]+")
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")


def sex_from_id(number: str) -> str:
    """男 (odd) or 女 (even) from the 17th character of an 18-character ID number."""
    if len(number) != 18 or not number[16].isdigit():
        return ""
    return str(_("男")) if int(number[16]) % 2 else str(_("女"))


class SupporterForm(StyledForm):
    """One person liable for support (赡养/抚养/扶养义务人) outside the household."""

    name = forms.CharField(label=field_label(Supporter, "name"), max_length=64)
    relation = forms.ChoiceField(label=field_label(Supporter, "relation"), required=False,
                                 choices=_blank_choice(SupporterRelation.choices))
    annual_income = _money(Supporter, "annual_income", UNITS[YEARLY])
    supports = forms.CharField(label=field_label(Supporter, "supports"), max_length=200,
                               help_text=_("成员编号，用逗号分隔，如 M1,M2"))
    exempt = forms.ChoiceField(label=field_label(Supporter, "exempt"), required=False,
                               choices=_blank_choice(SupportExemption.choices, _("不免除")))
    large_assets = _flag(Supporter, "large_assets")

    def clean_supports(self) -> list[str]:
        return [part for part in SUPPORTS_SPLIT.split(self.cleaned_data["supports"]) if part]


class VehicleForm(StyledForm):
    """One vehicle (车辆)."""

    kind = forms.ChoiceField(label=field_label(Vehicle, "kind"),
                             choices=_blank_choice(VehicleKind.choices))
    value = _money(Vehicle, "value")


class ChineseFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("请至少登记 %(num)d 名家庭成员。"),
        "too_many_forms": _("最多只能提交 %(num)d 行。"),
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("删除此行")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def kept_forms(self) -> list[forms.Form]:
        """The rows that are neither marked for deletion nor left empty."""
        return [f for f in self.forms
                if not (self.can_delete and f.cleaned_data.get("DELETE"))
                and not (f.empty_permitted and not f.has_changed())]


def _formset(form: type[forms.Form], *, min_num: int = 0) -> type[ChineseFormSet]:
    formset = forms.formset_factory(form, formset=ChineseFormSet, extra=0, min_num=min_num,
                                    validate_min=bool(min_num), can_delete=True,
                                    max_num=200, validate_max=True)
    return cast(type[ChineseFormSet], formset)


MemberFormSet = _formset(MemberForm, min_num=1)
SupporterFormSet = _formset(SupporterForm)
VehicleFormSet = _formset(VehicleForm)


@dataclass
class HouseholdForms:
    """The household form and its three formsets, as one page submits them."""

    household: HouseholdForm
    members: ChineseFormSet
    supporters: ChineseFormSet
    vehicles: ChineseFormSet
    # Which form each list entry of the built dict came from, to put errors back.
    member_rows: list[forms.Form] = field(default_factory=list)
    supporter_rows: list[forms.Form] = field(default_factory=list)
    vehicle_rows: list[forms.Form] = field(default_factory=list)
    # What the service said when it refused the household as a whole.
    message: str = ""
    # Files: the good ones kept aside from refused submits, and each bad one named.
    kept: list[Any] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, *, user: Any, data: Any = None, initial: dict[str, Any] | None = None,
              editing: bool = False) -> HouseholdForms:
        initial = initial or {}
        members = MemberFormSet(data, prefix="members", initial=initial.get("members"))
        if editing:
            # A registered member keeps their number: history follows the member by it.
            for form in members.forms[:members.initial_form_count()]:
                form.fields["member_id"].widget.attrs["readonly"] = True
        built = cls(
            household=HouseholdForm(data, user=user, editing=editing,
                                    initial=initial.get("household")),
            members=members,
            supporters=SupporterFormSet(data, prefix="supporters",
                                        initial=initial.get("supporters")),
            vehicles=VehicleFormSet(data, prefix="vehicles", initial=initial.get("vehicles")),
        )
        built.show_units()
        return built

    def show_units(self) -> None:
        """元/年 or 元/月 beside every income and expenditure, as the period chosen."""
        unit = UNITS[self.household.period]
        for form in [self.household, *self.members.forms]:
            for name, field_ in form.fields.items():
                if getattr(field_, "periodic", False):
                    form.fields[name].unit = unit  # type: ignore[attr-defined]

    def is_valid(self) -> bool:
        results = [self.household.is_valid(), self.members.is_valid(),
                   self.supporters.is_valid(), self.vehicles.is_valid()]
        if not all(results):
            self.check_the_rest()
            return False
        return True

    def check_the_rest(self) -> None:
        """Every error in one round: when some fields are refused, the rules the service
        applies (ID check characters, birth dates against ID numbers, supported members …)
        still run on what was typed, and their errors go onto the fields not already in
        error, so the worker fixes the whole form at once."""
        try:
            data = self.to_household_data(partial=True)
        except (KeyError, TypeError, ValueError, AttributeError):
            return
        if not data.get("household_id"):
            data["household_id"] = "H"
        errors = [e.as_dict() for e in validate_household(data)]
        seen: dict[str, int] = {}
        for index, member in enumerate(data.get("members") or []):
            number = member.get("id_number")
            if number and number in seen:
                errors.append({"path": f"members[{index}].id_number",
                               "message": _("身份证号与第 %(n)s 位成员重复") % {"n": seen[number] + 1}})
            if number:
                seen.setdefault(number, index)
        for error in errors:
            form, name = self._target(str(error.get("path", "")))
            if form is None or not name or name not in form.fields or form.errors.get(name):
                continue  # a field already in error says what to fix first
            if name == "birth_date" and form.errors.get("id_number"):
                continue  # left empty to be taken from an ID number in error
            form.add_error(name, str(error.get("message", "")))

    @property
    def reason(self) -> str:
        return self.household.cleaned_data.get("reason", "")

    def to_household_data(self, *, partial: bool = False) -> dict[str, Any]:
        """The household dict of household.schema.json (money as Decimal, ISO dates; amounts
        typed per month become the year's, × 12 exactly). ``partial``: of a form some of
        whose fields were refused, leaving them out (to check the rest)."""
        data = self.household.cleaned_data
        self.member_rows = self.members.kept_forms()
        self.supporter_rows = self.supporters.kept_forms()
        self.vehicle_rows = self.vehicles.kept_forms()
        household_id = data.get("household_id") or self.household.initial.get("household_id", "")
        months = MONTHS if self.household.period == MONTHLY else 1
        out: dict[str, Any] = {"household_id": household_id}
        for key, name in (("region_code", "region"), ("area_type", "area_type")):
            if data.get(name) or not partial:
                out[key] = data[name]
        if data.get("assessment_date") or not partial:
            out["assessment_date"] = data["assessment_date"].isoformat()
        if data.get("address"):
            out["address"] = data["address"].strip()
        if data.get("phone"):
            out["phone"] = data["phone"].strip()
        out["members"] = _members_data(self.member_rows, months=months, partial=partial)
        out["supporters"] = [_supporter_data(f.cleaned_data) for f in self.supporter_rows
                             if not partial or not f.errors]
        out["expenditures"] = {k: data[k] * months for k in EXPENDITURE_KINDS
                               if data.get(k) is not None}
        assets: dict[str, Any] = {
            "vehicles": [{"kind": f.cleaned_data["kind"],
                          "value": _or_zero(f.cleaned_data.get("value"))}
                         for f in self.vehicle_rows],
        }
        if data.get("homes_owned") is not None:
            assets["homes_owned"] = data["homes_owned"]
        for name in ASSET_MONEY + ASSET_NUMBERS:
            if data.get(name) is not None:
                assets[name] = data[name]
        for name in ASSET_BOOLEANS:
            assets[name] = bool(data.get(name))
        out["assets"] = assets
        out["flags"] = {name: bool(data.get(name)) for name in FLAG_NAMES}
        return out

    def attach_errors(self, errors: list[dict[str, Any]], *, message: str = "") -> None:
        """Put each service error (``{"path", "message"}``) next to its field."""
        self.message = message
        for error in errors:
            path, message = str(error.get("path", "")), str(error.get("message", ""))
            form, name = self._target(path)
            if form is None:
                self.household.add_error(None, f"{path}：{message}" if path else message)
            elif name and name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)

    def _target(self, path: str) -> tuple[forms.Form | None, str]:
        match = PATH.match(path)
        if not match:
            return None, ""
        head, index, rest = match.group("head"), match.group("index"), match.group("rest") or ""
        rows = {"members": self.member_rows, "supporters": self.supporter_rows}
        if head == "assets" and rest.startswith("vehicles"):
            sub = PATH.match(rest)
            if sub is None or sub.group("index") is None:
                return None, ""
            head, index, rest = "vehicles", sub.group("index"), sub.group("rest") or ""
            rows["vehicles"] = self.vehicle_rows
        if head in rows:
            if index is None or int(index) >= len(rows[head]):
                return None, ""
            # income.wages → wages; supports[0] → supports
            name = re.split(r"[\[.]", rest.removeprefix("income."))[0] if rest else ""
            return rows[head][int(index)], name
        if index is not None:
            return None, ""
        if head in ("expenditures", "assets", "flags"):
            return (self.household, rest) if rest in self.household.fields else (None, "")
        name = {"region_code": "region"}.get(head, head)
        if name in self.household.fields and not rest:
            return self.household, name
        return None, ""

    def has_errors(self) -> bool:
        return bool(self.household.errors or any(f.errors for f in self._all_forms())
                    or self.members.non_form_errors() or self.supporters.non_form_errors()
                    or self.vehicles.non_form_errors())

    def _all_forms(self) -> list[forms.Form]:
        return [*self.members.forms, *self.supporters.forms, *self.vehicles.forms]


PATH = re.compile(r"^(?P<head>[A-Za-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<rest>.+))?$")


def _or_zero(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value


def _members_data(rows: list[forms.Form], *, months: int = 1,
                  partial: bool = False) -> list[dict[str, Any]]:
    typed = {f.cleaned_data.get("member_id", "").strip() for f in rows}
    counter = 0
    out = []
    for form in rows:
        data = form.cleaned_data
        if partial:
            # What was refused is left out; the rest is checked as typed.
            data = {**{k: "" for k in ("name", "id_number", "relation", "health",
                                       "occupation")}, **data}
        member_id = data.get("member_id", "").strip()
        if not member_id:
            # Number blank rows M1, M2 … skipping the numbers the worker typed elsewhere.
            counter += 1
            while f"M{counter}" in typed:
                counter += 1
            member_id = f"M{counter}"
            typed.add(member_id)
        item: dict[str, Any] = {
            "member_id": member_id,
            "name": data["name"].strip(),
            "id_number": data["id_number"],
            "relation": data["relation"],
            "birth_date": data["birth_date"].isoformat() if data.get("birth_date") else "",
            "health": data["health"],
            "occupation": data["occupation"],
            "in_school": bool(data.get("in_school")),
            "school_level": data.get("school_level") or SchoolLevel.NONE.value,
            "public_servant": bool(data.get("public_servant")),
            "refused_job_offers": data.get("refused_job_offers") or 0,
            "orphan_or_unsupported": bool(data.get("orphan_or_unsupported")),
            "income": {k: data[k] * months for k in INCOME_KINDS if data.get(k) is not None},
        }
        if data.get("care_level"):
            item["care_level"] = data["care_level"]
        out.append(item)
    return out


def _supporter_data(data: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": data["name"].strip(),
        "annual_income": _or_zero(data.get("annual_income")),
        "supports": data["supports"],
        "exempt": data.get("exempt") or None,
        "large_assets": bool(data.get("large_assets")),
    }
    if data.get("relation"):
        item["relation"] = data["relation"]
    return item


def household_initial(data: dict[str, Any]) -> dict[str, Any]:
    """Form initial values from a registered household dict (serializers.household_to_dict)."""
    assets = data.get("assets") or {}
    household = {
        "household_id": data["household_id"], "region": data["region_code"],
        "area_type": data["area_type"], "assessment_date": data["assessment_date"],
        "address": data.get("address", ""), "phone": data.get("phone", ""),
        **(data.get("expenditures") or {}),
        **{k: v for k, v in assets.items() if k != "vehicles"},
        **(data.get("flags") or {}),
    }
    members = [{**{k: v for k, v in m.items() if k != "income"}, **(m.get("income") or {})}
               for m in data.get("members") or []]
    supporters = [{**s, "supports": ",".join(s.get("supports") or []),
                   "exempt": s.get("exempt") or ""} for s in data.get("supporters") or []]
    return {"household": household, "members": members, "supporters": supporters,
            "vehicles": list(assets.get("vehicles") or [])}
