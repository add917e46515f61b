from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.forms import ServiceErrorsMixin as ErrorsMixin

from .choices import Level, Program


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(ErrorsMixin, forms.Form):
    """The fields of a version; the service checks them (and names the field it refuses)."""

    name = forms.CharField(label=_("事项名称"), required=False)
    department = forms.ChoiceField(label=_("部门"), required=False)
    level = forms.ChoiceField(label=_("办理层级"), choices=Level.choices, required=False)
    limit = forms.CharField(label=_("办理时限（工作日）"), required=False,
                            widget=forms.TextInput(attrs={"type": "number", "min": "1"}))
    program = forms.ChoiceField(label=_("规则程序"), required=False,
                                choices=[("", _("无（转办部门办理）")), *Program.choices])
    materials = forms.CharField(label=_("申请材料（每行一项）"), required=False,
                                widget=forms.Textarea(attrs={"rows": 5}))
    policy = forms.CharField(label=_("政策依据"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=_("申请条件"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    process = forms.CharField(label=_("办理流程"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    resident_text = forms.CharField(
        label=_("给居民的说明"), required=False,
        help_text=_("用居民听得懂的话写申请条件，不写系数和公式；显示在居民网上申请页和口袋书的居民版"),
        widget=forms.Textarea(attrs={"rows": 3}))
    condition_eligible = forms.CharField(
        label=_("符合条件（表达式）"), required=False,
        help_text=_("大处方推荐本事项（符合）的条件，如 any(member.age >= 60) and rural and "
                    "circle in [1, 2, 3]；留空则不推荐"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "font-monospace", "spellcheck": "false"}))
    condition_possible = forms.CharField(
        label=_("可能符合条件（表达式）"), required=False,
        help_text=_("不符合时，大处方显示“可能符合”的条件；两项都留空则依申请办理"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "font-monospace", "spellcheck": "false"}))
    valid_from = forms.DateField(label=_("生效日期"), required=False, widget=_date_input())
    note = forms.CharField(label=_("修订说明"), required=False, max_length=200)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [(d.code, f"{d.code} {d.name}") for d in departments]


class NewItemForm(ItemForm):
    code = forms.CharField(label=_("事项编码"), required=False, max_length=16)
    field_order = ["code", "name", "department", "level", "limit", "program", "materials",
                   "policy", "conditions", "process", "resident_text", "condition_eligible",
                   "condition_possible", "valid_from", "note"]


class RetireForm(ErrorsMixin, forms.Form):
    valid_from = forms.DateField(label=_("停用日期"), required=False, widget=_date_input())
    note = forms.CharField(label=_("修订说明"), required=False, max_length=200)


class DepartmentForm(ErrorsMixin, forms.Form):
    code = forms.CharField(label=_("部门代码"), required=False, max_length=8)
    name = forms.CharField(label=_("部门名称"), required=False, max_length=64)
    note = forms.CharField(label=_("修订说明"), required=False, max_length=200)


class ImportForm(ErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), required=False)
    valid_from = forms.DateField(label=_("生效日期"), required=False, widget=_date_input())
    note = forms.CharField(label=_("修订说明"), required=False, max_length=200)
