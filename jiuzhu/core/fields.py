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


class EncryptedCharField(models.CharField):
    """A short personal value (ID number, phone, bank account) SM4-GCM encrypted at rest.

    Python sees the plain text; the column holds ``<key id>$<base64>`` (``core.crypto``),
    so ``max_length`` bounds the plain value and the column is ``text``. Equality lookups
    (``exact``, ``in``, also across relations) are answered by the blind-index column named
    ``blind_index`` (a :class:`BlindIndexField` of the same model); any other lookup is
    refused, since the database cannot compare what it cannot read.
    """

    description = _("加密文本（SM4）")

    def __init__(self, *args: Any, blind_index: str = "", **kwargs: Any) -> None:
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        from jiuzhu.core import crypto

        return crypto.decrypt(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        from jiuzhu.core import crypto

        return crypto.encrypt(str(value))


class BlindIndexField(models.CharField):
    """The HMAC-SM3 blind index of an :class:`EncryptedCharField` of the same model, kept
    up to date on every save (``source`` names that field)."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        # always said: its default (True) is not Field's, so a history table's copy without
        # the index (no_db_index) would otherwise migrate back to one
        kwargs["db_index"] = self.db_index  # type: ignore[attr-defined]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        from jiuzhu.core import crypto

        value = crypto.blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def _index_column(lhs: Any) -> Any:
    from django.core.exceptions import FieldError
    from django.db.models.expressions import Col

    field = getattr(lhs, "target", None)
    if not isinstance(field, EncryptedCharField) or not field.blind_index:
        raise FieldError(f"{field} is encrypted and has no blind index: it cannot be searched")
    index = field.model._meta.get_field(field.blind_index)
    return Col(lhs.alias, index)  # type: ignore[arg-type]


class _BlindLookup(models.Lookup):
    """A lookup answered by the blind index (under every key of the ring): the index
    column equals one of the plain values' indexes."""

    prepare_rhs = False

    def plain_values(self) -> list[Any]:
        raise NotImplementedError

    def as_sql(self, compiler, connection):
        from django.core.exceptions import EmptyResultSet
        from django.db.models.lookups import Exact, In

        from jiuzhu.core import crypto

        column = _index_column(self.lhs)
        values = sorted({i for v in self.plain_values() for i in crypto.blind_indexes(str(v or ""))})
        if not values:
            raise EmptyResultSet
        lookup: models.Lookup = (Exact(column, values[0]) if len(values) == 1
                                 else In(column, values))
        return compiler.compile(lookup)


@EncryptedCharField.register_lookup
class BlindExact(_BlindLookup):
    """``field=value``."""

    lookup_name = "exact"

    def plain_values(self) -> list[Any]:
        return [self.rhs]


@EncryptedCharField.register_lookup
class BlindIn(_BlindLookup):
    """``field__in=values``."""

    lookup_name = "in"

    def plain_values(self) -> list[Any]:
        return list(self.rhs)


def _refuse(name: str) -> type[models.Lookup]:
    def as_sql(self, compiler, connection):
        from django.core.exceptions import FieldError

        raise FieldError(f"an encrypted field cannot be searched with '{name}'")

    return type(f"Refused_{name}", (models.Lookup,), {"lookup_name": name, "as_sql": as_sql})


for _name in ("iexact", "contains", "icontains", "startswith", "istartswith", "endswith",
              "iendswith", "regex", "iregex", "gt", "gte", "lt", "lte", "range"):
    EncryptedCharField.register_lookup(_refuse(_name))


def _indexes_of(model: Any) -> dict[str, BlindIndexField]:
    """``{encrypted field's name and attname: its blind-index field}`` of ``model``."""
    out: dict[str, BlindIndexField] = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, BlindIndexField):
            source = model._meta.get_field(field.source)
            out[source.name] = out[source.attname] = field
    return out


def with_index_fields(model: Any, fields: Any) -> Any:
    """``fields`` (names to write, e.g. ``save(update_fields=…)``) plus the blind index of
    every encrypted field among them, so that an index is never left behind its value."""
    if fields is None:
        return None
    indexes = _indexes_of(model)
    names = list(fields)
    for name in list(names):
        if name in indexes and indexes[name].name not in names:
            names.append(indexes[name].name)
    return names


class SealedQuerySet(models.QuerySet):
    """A queryset for a model with a blind-indexed :class:`EncryptedCharField`: ``update()``
    and ``bulk_update()`` write the index with the value (it cannot go stale); an
    ``update()`` of such a field to an expression (``F()``…) is refused, since its index
    cannot be computed in the database."""

    def update(self, **kwargs: Any) -> int:
        from django.core.exceptions import FieldError

        from jiuzhu.core import crypto

        for name, index in _indexes_of(self.model).items():
            if name not in kwargs or index.name in kwargs:
                continue
            value = kwargs[name]
            if hasattr(value, "resolve_expression"):
                raise FieldError(f"{self.model.__name__}.{name} is encrypted: update() can set it "
                                 "only to a value (its blind index is computed in Python)")
            kwargs[index.name] = crypto.blind_index(value or "")
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        objs = list(objs)
        names = with_index_fields(self.model, fields)
        for index in {f.name: f for f in _indexes_of(self.model).values()}.values():
            if index.name in names and index.name not in fields:
                for obj in objs:
                    index.pre_save(obj, False)
        return super().bulk_update(objs, names, batch_size=batch_size)

    bulk_update.alters_data = True  # type: ignore[attr-defined]
