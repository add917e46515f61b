"""What every app's forms share: Bootstrap classes on the widgets, and a service's field
errors (``ServiceError.errors``: ``{"path", "message"}``) placed next to the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms


class ServiceErrorsMixin:
    """Puts a :class:`ServiceError`'s ``errors`` onto the fields they name: the whole path,
    or its first part (``members[2].name`` → ``members``), or ``error_fields`` mapping a
    service path to a form field; the rest become form errors."""

    # service path (or its first part) → form field
    error_fields: dict[str, str] = {}

    def attach_errors(self, errors: list[dict[str, Any]], message: str = "") -> None:
        form: forms.Form = self  # type: ignore[assignment]
        placed = False
        for error in errors:
            path = str(error.get("path") or "")
            head = path.split(".", 1)[0].split("[", 1)[0]
            name = (self.error_fields.get(path) or self.error_fields.get(head)
                    or (path if path in form.fields else head))
            form.add_error(name if name in form.fields else None,
                           str(error.get("message") or message))
            placed = True
        if not placed and message:
            form.add_error(None, message)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (``control_size`` "sm" or "lg" for dense tables or
    phones), and ``is-invalid``/``aria-invalid`` on fields with errors."""

    control_size = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suffix = f" form-select-{self.control_size}" if self.control_size else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput
                          | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select" + suffix
            else:
                css = "form-control" + suffix.replace("select", "control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field and field in self.fields:
            widget = self.fields[field].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
