"""Forms of the verification pages; they parse what was typed, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .adapters import SOURCE_INFO
from .choices import Decision, RequestStatus
from .services import MAX_AUTHORISATION_BYTES


class VerificationRequestForm(forms.Form):
    """发起核对: the signed authorisation and the sources to ask (all by default)."""

    authorisation = forms.FileField(
        label=_("家庭经济状况核对授权书（D04，家庭成员签字后的扫描件）"),
        help_text=_("PDF、JPG 或 PNG，不超过 %(mb)s MB") % {"mb": MAX_AUTHORISATION_BYTES // 2**20},
        error_messages={"required": _("请上传家庭签字的核对授权书"),
                        "empty": _("上传的文件是空的")},
        widget=forms.ClearableFileInput(attrs={
            "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
            "class": "form-control"}))
    sources = forms.MultipleChoiceField(
        label=_("核对的数据源"),
        choices=[(code, f"{info.name}（{info.department}）") for code, info in SOURCE_INFO.items()],
        initial=list(SOURCE_INFO), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个数据源")})

    def attach_errors(self, errors: list[dict[str, Any]], message: str) -> None:
        """A service's refusal, on the field it names."""
        placed = False
        for error in errors:
            if error.get("path") in self.fields:
                self.add_error(error["path"], error.get("message") or message)
                placed = True
        if not placed:
            self.add_error(None, message)


class SourceImportForm(forms.Form):
    """部门数据导入: one source's export file."""

    source = forms.ChoiceField(
        label=_("数据源"), choices=[("", _("— 请选择 —"))] + [
            (code, f"{info.name}（{info.department}）") for code, info in SOURCE_INFO.items()],
        error_messages={"required": _("请选择数据源")})
    file = forms.FileField(
        label=_("部门导出文件（CSV 或 Excel .xlsx）"),
        error_messages={"required": _("请选择要导入的文件"), "empty": _("上传的文件是空的")},
        widget=forms.ClearableFileInput(attrs={
            "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "class": "form-control"}))


class RequestSearchForm(forms.Form):
    q = forms.CharField(label=_("家庭编号或户主姓名"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *RequestStatus.choices])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    reason = forms.CharField(required=False, max_length=500)
