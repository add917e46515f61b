from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.households.choices import Health, Occupation
from jiuzhu.regions.models import Region

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0), "required": False}


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class BatchForm(forms.Form):
    region = RegionChoiceField(label=_("区划"), queryset=Region.objects.none())
    on = forms.DateField(label=_("核算日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Region.objects.visible_to(user).filter(
            level__in=("province", "city", "county", "township", "village"))
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = qs.order_by("path")


class WhatIfHouseholdForm(forms.Form):
    """The household-level figures a worker may try out (假设测算)."""

    on = forms.DateField(label=_("核算日期"), widget=forms.DateInput(attrs={"type": "date"}))
    medical = forms.DecimalField(label=_("医疗支出"), **MONEY)
    education = forms.DecimalField(label=_("教育支出"), **MONEY)
    insurance_premiums = forms.DecimalField(label=_("社会保险缴费"), **MONEY)
    other_rigid = forms.DecimalField(label=_("其他刚性支出"), **MONEY)
    financial_assets = forms.DecimalField(label=_("金融资产"), **MONEY)
    debts = forms.DecimalField(label=_("债务"), **MONEY)


class WhatIfMemberForm(forms.Form):
    member_id = forms.CharField(widget=forms.HiddenInput)
    health = forms.ChoiceField(label=_("健康状况"), choices=Health.choices)
    occupation = forms.ChoiceField(label=_("职业"), choices=Occupation.choices)
    wages = forms.DecimalField(label=_("工资性收入"), **MONEY)
    business = forms.DecimalField(label=_("经营性收入"), **MONEY)
    property = forms.DecimalField(label=_("财产性收入"), **MONEY)
    transfer = forms.DecimalField(label=_("转移性收入"), **MONEY)
    pension = forms.DecimalField(label=_("养老金"), **MONEY)


WhatIfMemberFormSet = forms.formset_factory(WhatIfMemberForm, extra=0)
