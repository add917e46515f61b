"""Forms of the points pages; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.forms import ServiceErrorsMixin, StyledForm

from .choices import AccountKind


def _choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    form.fields[name].choices = choices  # type: ignore[attr-defined]


class AccountFilterForm(StyledForm):
    control_size = "sm"
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[
        ("", _("全部")), (AccountKind.VOLUNTEER, _("志愿者")), (AccountKind.FAMILY, _("家庭")),
        (AccountKind.SUPERMARKET, _("爱心超市"))])
    q = forms.CharField(label=_("名称"), required=False, max_length=50)


class TransferForm(ServiceErrorsMixin, StyledForm):
    """转赠: the families the volunteer served (a confirmed 幸福云 service), by name and
    village — no ID number, no account number to type."""

    error_fields = {"target": "target", "amount": "amount", "source": "target"}
    target = forms.TypedChoiceField(
        label=_("受赠家庭"), coerce=int, error_messages={
            "required": _("请选择受赠家庭"),
            "invalid_choice": _("只能转赠给您服务过的家庭（有已确认的幸福云服务）")})
    amount = forms.IntegerField(label=_("转赠积分"), min_value=1)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, families: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.families = {h.pk: h for h in families}
        _choices(self, "target", [("", _("请选择"))] + [
            (h.pk, f"{h.head_name} · {h.region.name}") for h in families])


class GoodForm(ServiceErrorsMixin, StyledForm):
    name = forms.CharField(label=_("物品名称"), max_length=100)
    unit = forms.CharField(label=_("单位"), max_length=16, initial="件")
    price = forms.IntegerField(label=_("兑换积分"), min_value=1)
    region = forms.ChoiceField(label=_("超市所在区划"))

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {str(r.pk): r for r in regions}
        _choices(self, "region", [(str(r.pk), r.name) for r in regions])


class DonateForm(ServiceErrorsMixin, StyledForm):
    good = forms.TypedChoiceField(label=_("物品"), coerce=int)
    kind = forms.ChoiceField(label=_("入库类别"), choices=[("donation", _("捐赠入库")),
                                                        ("purchase", _("采购入库"))])
    quantity = forms.IntegerField(label=_("数量"), min_value=1)
    donor = forms.CharField(label=_("捐赠人"), required=False, max_length=100)

    def __init__(self, *args: Any, goods: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "good", [(g.pk, f"{g.name}（{g.region.name}）") for g in goods])


class RedeemForm(ServiceErrorsMixin, StyledForm):
    error_fields = {"account": "account", "lines": "quantity"}
    account = forms.IntegerField(label=_("积分账户号"), min_value=1)
    good = forms.TypedChoiceField(label=_("物品"), coerce=int)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)

    def __init__(self, *args: Any, goods: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "good", [
            (g.pk, f"{g.name}（{g.price} 积分/{g.unit}，库存 {g.stock}）") for g in goods])


class PriceForm(ServiceErrorsMixin, StyledForm):
    good = forms.TypedChoiceField(label=_("物品"), coerce=int)
    price = forms.IntegerField(label=_("新的兑换积分"), min_value=1)

    def __init__(self, *args: Any, goods: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "good", [(g.pk, f"{g.name}（{g.price} 积分）") for g in goods])


class MonthForm(StyledForm):
    control_size = "sm"
    month = forms.CharField(label=_("月份"), required=False,
                            widget=forms.TextInput(attrs={"type": "month"}))
