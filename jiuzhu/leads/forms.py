"""Forms of the lead pages; they only parse what was typed, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role
from jiuzhu.core.forms import ServiceErrorsMixin, StyledForm
from jiuzhu.households.choices import Health, Occupation
from jiuzhu.households.forms import LEVEL_INDENT
from jiuzhu.regions.choices import AreaType
from jiuzhu.regions.models import Region
from jiuzhu.stations.models import LoveStation

from .choices import LeadSource, LeadStatus, Outcome, Urgency
from .selectors import assignable_workers


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class LeadBaseForm(ServiceErrorsMixin, StyledForm):
    """Bootstrap classes on every widget (full-size: these forms are used on phones), and
    the services' errors (``{"path", "message"}``) next to their fields."""


def lead_region_options(user: Any) -> list[tuple[str, str]]:
    """Villages and grids the user may record a lead in (and a grid worker's own grids)."""
    qs = Region.objects.visible_to(user).filter(level__in=("village", "grid"))
    return [(r.code, f"{LEVEL_INDENT.get(r.level, '')}{r.name}")
            for r in qs.order_by("path").only("code", "name", "level")]


class LeadForm(LeadBaseForm):
    source = forms.ChoiceField(label=_("线索来源"), choices=LeadSource.choices)
    reporter_name = forms.CharField(label=_("报告人"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("报告人电话"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))
    station_id = forms.ChoiceField(label=_("爱心驿站"), required=False)
    station_name = forms.CharField(label=_("未登记的驿站名称"), max_length=100, required=False)
    person_name = forms.CharField(label=_("被报告人姓名"), max_length=64, required=False)
    id_number = forms.CharField(label=_("身份证号（选填）"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    region_code = forms.ChoiceField(label=_("所在村（社区）或网格"))
    description = forms.CharField(label=_("困难情况"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)

    def __init__(self, *args: Any, user: Any, station: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = lead_region_options(user)
        self.fields["region_code"].choices = _blank(options)  # type: ignore[attr-defined]
        stations = list(LoveStation.objects.visible_to(user).filter(active=True)
                        .select_related("region").order_by("region_path", "name"))
        self.fields["station_id"].choices = _blank(  # type: ignore[attr-defined]
            [(str(s.pk), f"{s.name} · {s.region.name}") for s in stations])
        self.keeper = getattr(user, "role", None) == Role.STATION_KEEPER
        if station is not None and all(s.pk != station.pk for s in stations):
            station = None
        if self.keeper:
            # a keeper reports under their own station: preselected and locked
            station = station or (stations[0] if stations else None)
            del self.fields["station_name"]
            self.fields["source"].disabled = True
            self.fields["source"].initial = LeadSource.LOVE_STATION
            if station is not None:
                self.fields["station_id"].disabled = True
                self.fields["station_id"].initial = str(station.pk)
                self.fields["station_id"].choices = [  # type: ignore[attr-defined]
                    (str(station.pk), f"{station.name} · {station.region.name}")]
            if not self.is_bound:
                self.initial.setdefault("reporter_name", getattr(user, "full_name", "") or "")
                if station is not None:
                    self.initial.setdefault("reporter_phone", station.phone)
                    self.initial.setdefault("region_code", station.region.code if
                                            station.region.level in ("village", "grid") else "")
        elif station is not None and not self.is_bound:
            self.initial.setdefault("source", LeadSource.LOVE_STATION)
            self.initial.setdefault("station_id", str(station.pk))
        if not self.is_bound:
            if getattr(user, "role", None) == Role.GRID_WORKER:
                self.initial.setdefault("source", LeadSource.GRID_WORKER)
            elif getattr(user, "role", None) == Role.WINDOW_WORKER:
                self.initial.setdefault("source", LeadSource.HOTLINE)
            if len(options) == 1:
                self.initial.setdefault("region_code", options[0][0])

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ConvertForm(LeadBaseForm):
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    health = forms.ChoiceField(label=_("户主健康状况"), required=False,
                               choices=_blank(Health.choices))
    occupation = forms.ChoiceField(label=_("户主职业"), required=False,
                                   choices=_blank(Occupation.choices))
    area_type = forms.ChoiceField(label=_("城乡类别"), required=False,
                                  choices=_blank(AreaType.choices))
    assignee = forms.ChoiceField(label=_("走访人"), required=False)

    def __init__(self, *args: Any, user: Any, lead: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(u.pk): u for u in assignable_workers(user)}
        self.fields["assignee"].choices = _blank(  # type: ignore[attr-defined]
            [(pk, f"{u} · {u.get_role_display()} · {u.region.name if u.region else ''}")
             for pk, u in self.workers.items()], _("网格责任人（默认）"))
        if not self.is_bound:
            self.initial.setdefault("id_number", lead.id_number)

    def clean_assignee(self) -> Any:
        value = self.cleaned_data.get("assignee")
        return self.workers.get(value) if value else None


class VisitForm(LeadBaseForm):
    visited_on = forms.DateField(label=_("走访日期"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    findings = forms.CharField(label=_("走访发现的情况"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label=_("走访结果（必填）"), required=False,
                                choices=Outcome.choices, widget=forms.RadioSelect)
    referred_to = forms.CharField(label=_("转往部门"), max_length=100, required=False)
    linked_number = forms.CharField(label=_("关联申请或受理编号（选填）"), max_length=40,
                                    required=False)
    outcome_note = forms.CharField(label=_("说明"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)


class CloseForm(LeadBaseForm):
    outcome = forms.ChoiceField(label=_("办结结果"), required=False, choices=_blank(
        [c for c in Outcome.choices if c[0] != Outcome.UNREACHABLE]))
    referred_to = forms.CharField(label=_("转往部门"), max_length=100, required=False)
    linked_number = forms.CharField(label=_("关联申请或受理编号（选填）"), max_length=40,
                                    required=False)
    note = forms.CharField(label=_("办结理由"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class LeadFilterForm(forms.Form):
    """The list's filters; a bad value is dropped alone."""

    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=_blank(LeadStatus.choices, _("全部")))
    source = forms.ChoiceField(label=_("线索来源"), required=False,
                               choices=_blank(LeadSource.choices, _("全部")))
    township = forms.ChoiceField(label=_("乡镇（街道）"), required=False)
    overdue = forms.BooleanField(label=_("仅超时"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Region.objects.visible_to(user).filter(level="township")
        self.fields["township"].choices = _blank(  # type: ignore[attr-defined]
            [(r.code, r.name) for r in qs.order_by("path").only("code", "name")], _("全部"))
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select form-select-sm")
            field.widget.attrs["class"] = css

    def search_arguments(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}
        return {"status": data.get("status", ""), "source": data.get("source", ""),
                "township": data.get("township", ""), "overdue": bool(data.get("overdue"))}


class AssignForm(LeadBaseForm):
    grid = forms.ChoiceField(label=_("网格"))
    worker = forms.ChoiceField(label=_("网格员"))

    def __init__(self, *args: Any, user: Any, grids: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grids = {g.code: g for g in grids}
        self.workers = {str(u.pk): u for u in assignable_workers(user)
                        if u.role == Role.GRID_WORKER}
        self.fields["grid"].choices = _blank(  # type: ignore[attr-defined]
            [(g.code, g.name) for g in grids])
        self.fields["worker"].choices = _blank(  # type: ignore[attr-defined]
            [(pk, f"{u} · {u.region.name if u.region else ''}") for pk, u in self.workers.items()])

    def clean_grid(self) -> Region:
        return self.grids[self.cleaned_data["grid"]]

    def clean_worker(self) -> Any:
        return self.workers[self.cleaned_data["worker"]]
