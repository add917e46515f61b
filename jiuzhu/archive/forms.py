"""The archive list's filters; a bad value is dropped alone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CaseKind, Closing, RecordClass
from .selectors import townships


class ArchiveFilterForm(forms.Form):
    q = forms.CharField(label=_("案件编号、户主或家庭编号"), required=False, max_length=64)
    township = forms.ChoiceField(label=_("乡镇（街道）"), required=False)
    record_class = forms.ChoiceField(label=_("档案类别"), required=False)
    closing = forms.ChoiceField(label=_("办结事由"), required=False)
    kind = forms.ChoiceField(label=_("案件类型"), required=False)
    year = forms.IntegerField(label=_("办结年度"), required=False, min_value=2000,
                              max_value=2100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("全部"))]
        self.fields["township"].choices = [  # type: ignore[attr-defined]
            *every, *[(r.code, r.name) for r in townships(user)]]
        self.fields["record_class"].choices = [*every, *RecordClass.choices]  # type: ignore[attr-defined]
        self.fields["closing"].choices = [*every, *Closing.choices]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [*every, *CaseKind.choices]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = ("form-select form-select-sm"
                                           if isinstance(field, forms.ChoiceField)
                                           else "form-control form-control-sm")
            field.widget.attrs.setdefault("id", f"id_{name}")
        self.fields["year"].widget.attrs["inputmode"] = "numeric"

    def values(self) -> dict[str, Any]:
        """The valid filters (an invalid one is left out)."""
        self.is_valid() if self.is_bound else None
        data = getattr(self, "cleaned_data", {})
        return {"q": data.get("q") or "", "township": data.get("township") or "",
                "record_class": data.get("record_class") or "",
                "closing": data.get("closing") or "", "kind": data.get("kind") or "",
                "year": data.get("year")}
