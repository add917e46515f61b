"""Forms of the station pages; they only parse what was typed, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.models import Organisation
from jiuzhu.core.forms import ServiceErrorsMixin, StyledForm
from jiuzhu.regions.models import Region

from .choices import Offering
from .models import LoveStation

INDENT = {"township": "", "village": "　", "grid": "　　"}


class StationForm(ServiceErrorsMixin, StyledForm):
    name = forms.CharField(label=_("驿站名称"), max_length=100, required=False)
    host_id = forms.ChoiceField(label=_("举办单位"), required=False)
    region_code = forms.ChoiceField(label=_("所在区划"), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    hours = forms.CharField(label=_("开放时间"), max_length=100, required=False,
                            help_text=_("例如：周一至周六 8:30–17:30"))
    offerings = forms.MultipleChoiceField(label=_("服务内容"), required=False,
                                          choices=Offering.choices,
                                          widget=forms.CheckboxSelectMultiple)
    contact = forms.CharField(label=_("联系人"), max_length=64, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    latitude = forms.CharField(label=_("纬度（选填）"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.CharField(label=_("经度（选填）"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args: Any, user: Any, station: LoveStation | None = None,
                 **kwargs: Any) -> None:
        if station is not None and not (args and args[0] is not None) and not kwargs.get("data"):
            kwargs.setdefault("initial", {
                "name": station.name, "host_id": str(station.host_id),
                "region_code": station.region.code, "address": station.address,
                "hours": station.hours, "offerings": station.offerings,
                "contact": station.contact, "phone": station.phone,
                "latitude": "" if station.latitude is None else str(station.latitude),
                "longitude": "" if station.longitude is None else str(station.longitude)})
        super().__init__(*args, **kwargs)
        hosts = Organisation.objects.visible_to(user).filter(active=True).order_by("kind", "name")
        self.fields["host_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *[(str(o.pk), f"{o.name}（{o.get_kind_display()}）") for o in hosts]]
        regions = (Region.objects.visible_to(user)
                   .filter(level__in=("township", "village", "grid")).order_by("path")
                   .only("code", "name", "level"))
        self.fields["region_code"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *[(r.code, f"{INDENT.get(r.level, '')}{r.name}") for r in regions]]

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class StationFilterForm(forms.Form):
    """The list's filters; a bad value is dropped alone."""

    township = forms.ChoiceField(label=_("乡镇（街道）"), required=False)
    inactive = forms.BooleanField(label=_("含已停用"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = Region.objects.visible_to(user).filter(level="township").order_by("path")
        self.fields["township"].choices = [  # type: ignore[attr-defined]
            ("", _("全部")), *[(r.code, r.name) for r in towns.only("code", "name")]]
        self.fields["township"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["inactive"].widget.attrs["class"] = "form-check-input"

    def values(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"township": "", "inactive": False}
        return {"township": self.cleaned_data.get("township") or "",
                "inactive": bool(self.cleaned_data.get("inactive"))}
