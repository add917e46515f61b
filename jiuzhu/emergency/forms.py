"""Forms of the emergency pages (急难救助): they parse what a worker typed on a phone or at the
window into the ``data`` the services take, and put the services' errors back on the fields
they name. Nothing here decides: the services and the transition table do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.forms import ServiceErrorsMixin, StyledForm
from jiuzhu.households.forms import LEVEL_INDENT
from jiuzhu.regions.models import Region

from .choices import Cause, HelpMethod, ReferralOutcome, ReferralTarget, Source

#: Items computed by the service, never ticked (E07: the sudden expense; E09: what the
#: household receives now).
COMPUTED = ("E07", "E09")
#: who reports by default, from the reporter's role
SOURCE_OF_ROLE = {"grid_worker": Source.GRID_WORKER, "village_assistant": Source.VILLAGE_ASSISTANT,
                  "window_worker": Source.WINDOW, "township_reviewer": Source.WINDOW}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 2})


@dataclass(frozen=True)
class CheckItem:
    code: str
    name: str
    score: int
    critical: bool

    @property
    def computed(self) -> bool:
        return self.code in COMPUTED


def checklist_items(county: str = "990102", when: date | None = None) -> list[CheckItem]:
    """The checklist E01–E11 of the county's parameters in force (names, scores, 必要项)."""
    from jiuzhu.rules.emergency import emergency_parameters

    params = emergency_parameters(county, when or timezone.localdate())
    return [CheckItem(item.code, item.name, int(item.score), bool(item.critical))
            for item in params.checklist]


def county_of(region: Any) -> str:
    """The county code of a region (its first six digits)."""
    return str(getattr(region, "code", "") or "990102")[:6]


def region_options(user: Any) -> list[tuple[str, str]]:
    """Villages and grids the user may report in (a grid worker: their grids)."""
    qs = Region.objects.visible_to(user).filter(level__in=("village", "grid"))
    return [(r.code, f"{LEVEL_INDENT.get(r.level, '')}{r.name}")
            for r in qs.order_by("path").only("code", "name", "level")]


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def yuan_text(value: Any) -> str:
    """A typed amount in yuan as the service takes it ("1234.50"); '' when empty."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value):.2f}"


class PageForm(ServiceErrorsMixin, StyledForm):
    """Full-size controls (used on phones); the services' errors next to their fields."""

    def values(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name, "") for name in self.fields}


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名、身份证号或家庭编号"), max_length=40, required=False)


class ReportForm(PageForm):
    """报告急难: a household (found, or registered on the spot), the event and the checklist."""

    household = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_name = forms.CharField(label=_("户主姓名"), max_length=64, required=False)
    new_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    new_region_code = forms.ChoiceField(label=_("所在村（社区）或网格"), required=False)
    new_address = forms.CharField(label=_("住址"), max_length=200, required=False)
    new_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "tel"}))
    source = forms.ChoiceField(label=_("发现渠道"), required=False,
                               choices=[(s.value, s.label) for s in Source if s != Source.LEAD])
    cause = forms.ChoiceField(label=_("致困原因"), required=False,
                              choices=_blank(Cause.choices, _("请选择")))
    occurred_on = forms.DateField(label=_("发生日期"), required=False, widget=DATE_INPUT)
    narrative = forms.CharField(label=_("事件经过"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    sudden_expense = forms.CharField(
        label=_("突发刚性支出（元）"), required=False,
        help_text=_("如医疗、丧葬等已发生或必须支付的费用；系统据此计算 E07"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    checklist = forms.MultipleChoiceField(label=_("评估清单"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    error_fields = {"household_id": "household", "name": "new_name", "id_number": "new_id_number",
                    "region_code": "new_region_code", "address": "new_address",
                    "phone": "new_phone", "household.name": "new_name",
                    "household.id_number": "new_id_number",
                    "household.region_code": "new_region_code",
                    "household.address": "new_address", "household.phone": "new_phone",
                    "members": "new_id_number", "sudden_expense_fen": "sudden_expense",
                    "amount": "sudden_expense"}

    def __init__(self, *args: Any, user: Any, items: list[CheckItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["checklist"].choices = [  # type: ignore[attr-defined]
            (item.code, f"{item.code} {item.name}") for item in items if not item.computed]
        options = region_options(user)
        self.fields["new_region_code"].choices = _blank(options)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())
            self.initial.setdefault("source", SOURCE_OF_ROLE.get(getattr(user, "role", ""),
                                                                 Source.WINDOW))
            if len(options) == 1:
                self.initial.setdefault("new_region_code", options[0][0])

    def clean_sudden_expense(self) -> str:
        value = (self.cleaned_data.get("sudden_expense") or "").strip().replace(",", "")
        if not value:
            return "0.00"
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise forms.ValidationError(_("请填写金额（元），如 12000 或 12000.50")) from None
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("金额不能为负，最多两位小数"))
        return f"{amount:.2f}"

    def sudden_expense_fen(self) -> int:
        """The sudden expense in fen (0 when empty; -1, refused by the service, when the
        typed text was not an amount — its field already shows why)."""
        value = getattr(self, "cleaned_data", {}).get("sudden_expense")
        if value in (None, ""):
            return -1 if "sudden_expense" in self.errors else 0
        return int(Decimal(value) * 100)

    def new_household(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"name": (data.get("new_name") or "").strip(),
                "id_number": (data.get("new_id_number") or "").strip().upper(),
                "region_code": data.get("new_region_code") or "",
                "address": (data.get("new_address") or "").strip(),
                "phone": (data.get("new_phone") or "").strip()}

    def checklist_rows(self) -> list[dict[str, Any]]:
        """The checklist as the page draws it: each item with its box (or 'computed')."""
        ticked = set(self["checklist"].value() or [])
        return [{"item": item, "checked": item.code in ticked} for item in self.items]


# --- the case's actions ---------------------------------------------------------------------

class ActionForm(PageForm):
    """One action of ``CASE_WORKFLOW``; ``to_service()`` gives the data its schema takes."""

    def __init__(self, *args: Any, case: Any, context: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        self.case = case
        self.context = context or {}
        super().__init__(*args, **kwargs)

    def to_service(self) -> dict[str, Any]:
        return {name: value for name, value in self.values().items() if value not in (None,)}


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("理由"), required=False, widget=TEXTAREA)


class NoteForm(ActionForm):
    note = forms.CharField(label=_("说明"), required=False, widget=TEXTAREA)


class ReassessForm(ActionForm):
    checklist = forms.MultipleChoiceField(label=_("评估清单"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    sudden_expense = forms.CharField(label=_("突发刚性支出（元）"), required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reason = forms.CharField(label=_("重新评估理由"), required=False, widget=TEXTAREA)
    error_fields = {"sudden_expense_fen": "sudden_expense"}

    def __init__(self, *args: Any, items: list[CheckItem] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items or []
        self.fields["checklist"].choices = [  # type: ignore[attr-defined]
            (item.code, f"{item.code} {item.name}（{item.score} 分）" if not item.critical
             else f"{item.code} {item.name}（必要项）")
            for item in self.items if not item.computed]
        if not self.is_bound:
            self.initial.setdefault("checklist", [c for c in (self.case.ticked or [])
                                                  if c not in COMPUTED])
            self.initial.setdefault("sudden_expense",
                                    f"{Decimal(self.case.sudden_expense_fen or 0) / 100:.2f}")

    def clean_sudden_expense(self) -> str:
        return ReportForm.clean_sudden_expense(self)  # type: ignore[arg-type]


class ApproveHelpForm(ActionForm):
    amount = forms.DecimalField(label=_("先行救助金额（元）"), required=False, min_value=Decimal("0.01"),
                                max_digits=12, decimal_places=2,
                                widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                                "step": "0.01"}))
    method = forms.ChoiceField(label=_("发放方式"), required=False,
                               choices=_blank(HelpMethod.choices, _("请选择")))
    payee = forms.CharField(label=_("领取人"), max_length=64, required=False)
    fund_id = forms.ChoiceField(label=_("资金来源"), required=False)
    override_reason = forms.CharField(label=_("同一事由一年内再次救助的理由（县级审批人）"),
                                      required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        funds = self.context.get("funds") or []
        self.fields["fund_id"].choices = _blank(  # type: ignore[attr-defined]
            [(str(f.pk), f.name) for f in funds], _("乡镇备用金（默认）"))
        if not self.context.get("may_override"):
            del self.fields["override_reason"]
        if not self.is_bound:
            self.initial.setdefault("payee", self.case.household.head_name)
            self.initial.setdefault("method", "cash")

    def to_service(self) -> dict[str, Any]:
        data = self.values()
        out: dict[str, Any] = {"amount": yuan_text(data.get("amount")),
                               "method": data.get("method") or "",
                               "payee": (data.get("payee") or "").strip()}
        if data.get("fund_id"):
            out["fund_id"] = int(data["fund_id"])
        if data.get("override_reason"):
            out["override_reason"] = data["override_reason"]
        return out


class CountyApproveForm(ActionForm):
    override_reason = forms.CharField(label=_("同一事由一年内再次救助的理由（如有）"),
                                      required=False, widget=TEXTAREA)

    def to_service(self) -> dict[str, Any]:
        reason = self.values().get("override_reason") or ""
        return {"override_reason": reason} if reason else {}


class PayForm(ActionForm):
    voucher = forms.CharField(label=_("凭证号"), max_length=64, required=False)
    payee_confirmed = forms.BooleanField(label=_("已核对领取人身份"), required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_signature(self) -> str:
        value = self.cleaned_data.get("signature") or ""
        if value and not value.startswith("data:image/png;base64,"):
            raise forms.ValidationError(_("请在框内签名"))
        return value

    def to_service(self) -> dict[str, Any]:
        data = self.values()
        return {"voucher": (data.get("voucher") or "").strip(),
                "signature": data.get("signature") or "",
                "payee_confirmed": bool(data.get("payee_confirmed"))}


class OpenProcedureForm(ActionForm):
    item_code = forms.ChoiceField(label=_("转入程序"), required=False, widget=forms.RadioSelect,
                                  choices=[("MZ05", _("MZ05 临时救助（急难型）")),
                                           ("MZ04", _("MZ04 临时救助（支出型）"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = self.context.get("item_names") or {}
        if names:
            self.fields["item_code"].choices = [  # type: ignore[attr-defined]
                (code, f"{code} {names.get(code, label)}")
                for code, label in self.fields["item_code"].choices]  # type: ignore[attr-defined]
        self.initial.setdefault("item_code", "MZ05")


class ReferForm(ActionForm):
    target = forms.ChoiceField(label=_("转介对象"), required=False, widget=forms.RadioSelect,
                               choices=ReferralTarget.choices)
    department = forms.ChoiceField(label=_("部门"), required=False)
    organisation = forms.CharField(label=_("服务机构名称"), max_length=200, required=False)
    note = forms.CharField(label=_("转介说明"), required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            self.context.get("departments") or [], _("请选择部门"))
        self.initial.setdefault("target", ReferralTarget.DEPARTMENT)

    def to_service(self) -> dict[str, Any]:
        data = self.values()
        out = {"target": data.get("target") or "", "note": data.get("note") or ""}
        if data.get("target") == ReferralTarget.ORGANISATION:
            out["organisation"] = (data.get("organisation") or "").strip()
        else:
            out["department"] = data.get("department") or ""
        return out


class RecordReferralForm(ActionForm):
    referral_id = forms.ChoiceField(label=_("转介"), required=False)
    outcome = forms.ChoiceField(label=_("结果"), required=False, widget=forms.RadioSelect,
                                choices=[(c.value, c.label) for c in ReferralOutcome
                                         if c in (ReferralOutcome.DONE, ReferralOutcome.REFUSED)])
    note = forms.CharField(label=_("结果说明"), required=False, widget=TEXTAREA)
    error_fields = {"referral": "referral_id", "outcome_note": "note"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pending = self.context.get("pending_referrals") or []
        self.fields["referral_id"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), f"{r.department_name or r.organisation} · {r.due_on:%Y-%m-%d}")
            for r in pending]

    def to_service(self) -> dict[str, Any]:
        data = self.values()
        ref = data.get("referral_id") or ""
        return {"referral_id": int(ref) if str(ref).isdigit() else 0,
                "outcome": data.get("outcome") or "", "note": data.get("note") or ""}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "reassess": ReassessForm,
    "approve_help": ApproveHelpForm,
    "county_approve": CountyApproveForm,
    "pay": PayForm,
    "release": ReasonForm,
    "open_procedure": OpenProcedureForm,
    "refer": ReferForm,
    "record_referral": RecordReferralForm,
    "monitor": ReasonForm,
    "decide_no_help": ReasonForm,
    "close": NoteForm,
}


def form_for(action: str) -> type[ActionForm]:
    return ACTION_FORMS.get(action, NoteForm)


class CaseFilterForm(forms.Form):
    """全部个案: level, state and a name or number."""

    q = forms.CharField(label=_("编号或姓名"), max_length=40, required=False)
    level = forms.ChoiceField(label=_("响应等级"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    alert = forms.ChoiceField(label=_("预警"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .choices import Alert, CaseState, Level

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = _blank(Level.choices, _("全部"))  # type: ignore[attr-defined]
        self.fields["state"].choices = _blank(CaseState.choices, _("全部"))  # type: ignore[attr-defined]
        self.fields["alert"].choices = _blank(  # type: ignore[attr-defined]
            [(Alert.RED, _("红色预警")), (Alert.YELLOW, _("黄色预警"))], _("全部"))
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "level": "", "state": "", "alert": ""}
        return {k: (v or "").strip() for k, v in self.cleaned_data.items()}
