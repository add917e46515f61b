from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


class FenField(models.BigIntegerField):
    """Money stored exactly as integer fen (分); Python sees Decimal yuan (元)."""

    description = _("金额（元，按分存储）")
    # What django-stubs lets a model attribute be set to and read as: Decimal yuan, not the
    # int of the IntegerField it is stored as (hence the ignores).
    _pyi_private_set_type: Decimal | int | float | str | models.expressions.Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal  # type: ignore[assignment]

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return Decimal(str(value))
        except Exception:
            raise ValidationError(_("金额格式不正确"), code="invalid") from None

    def get_prep_value(self, value):
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        fen = amount * 100
        if fen != fen.to_integral_value():
            raise ValidationError(_("金额最多两位小数"), code="invalid")
        return int(fen)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None,
                  **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {
            "form_class": form_class or forms.DecimalField, "choices_form_class": choices_form_class,
            "max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
