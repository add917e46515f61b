"""The Django admin without a back door (issue #14, item 1).

``guard(site)`` (called from ``AuditConfig.ready``, after the admin has discovered every
``admin.py``) puts :class:`AuditedAdminMixin` in front of every registered ``ModelAdmin``:

- only configuration models (:data:`CONFIG_MODELS`: regions, users, groups, API tokens, the
  catalogue, calendars, rule parameters) may be added, changed or deleted there; every other model — cases,
  money, households, documents, audit — is read-only whatever its ``admin.py`` says;
- every admin write (add, change, delete, a bulk action) is one ``audit_record`` with the
  changed fields, old → new (a password only as 已修改, never its hash);
- users are deactivated, never deleted (``AuditEvent.actor`` is also ``PROTECT``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.db import models

from .choices import AuditAction
from .services import audit_record

#: The models the admin may write (app label, or ``app_label.model_name``): configuration —
#: regions, users, the catalogue, calendars, rule parameters (四眼原则 and 二次验证要求 per county).
CONFIG_MODELS = frozenset({"regions.region", "accounts.user", "accounts.apitoken",
                           "auth.group", "catalogue", "calendars", "applications.dutyrule",
                           "accounts.secondfactorpolicy"})
#: Configuration models whose rows the admin may not delete (users are deactivated).
NEVER_DELETED = frozenset({"accounts.user"})
#: Fields shown only as changed, never with their value.
SECRET_FIELDS = frozenset({"password", "digest", "secret"})
SECRET = "已修改"


def is_config(model: type[models.Model]) -> bool:
    return model._meta.label_lower in CONFIG_MODELS or model._meta.app_label in CONFIG_MODELS


def _plain(value: Any) -> Any:
    """A field's value as JSON."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Every editable field of ``obj`` (foreign keys by id, many-to-many as sorted ids)."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        out[field.name] = _plain(field.value_from_object(obj))
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            out[m2m.name] = sorted(o.pk for o in m2m.value_from_object(obj))
    return out


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` of the fields that differ (secrets as 已修改)."""
    before = before or {}
    out: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new or (name not in before and new in (None, "", [])):
            continue
        out[name] = [SECRET, SECRET] if name in SECRET_FIELDS else [old, new]
    return out


def _region_path(obj: models.Model) -> str:
    if obj._meta.label_lower == "regions.region":
        return getattr(obj, "path", "") or ""
    return getattr(obj, "region_path", "") or ""


def _record(request: Any, action: str, obj: models.Model, **detail: Any) -> None:
    audit_record(actor=request.user, action=action, obj=obj, region_path=_region_path(obj),
                 detail={"via": "admin", **detail})


class AuditedAdminMixin(admin.ModelAdmin):
    """Put in front of a ModelAdmin by :func:`guard`: read-only unless a configuration
    model, every write audited."""

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return is_config(self.model) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return is_config(self.model) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return (is_config(self.model) and self.model._meta.label_lower not in NEVER_DELETED
                and super().has_delete_permission(request, obj))

    # --- what was there before a change ----------------------------------------------------

    def get_object(self, request: Any, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._audit_before = snapshot(obj)
        return obj

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change and obj.pk is not None:
            stored = type(obj)._base_manager.filter(pk=obj.pk).first()
            if stored is not None:
                obj._audit_before = snapshot(stored)
        super().save_model(request, obj, form, change)

    # --- the writes, audited (Django calls these after the write, in its transaction) -------

    def log_addition(self, request: Any, obj: Any, message: Any) -> Any:
        _record(request, AuditAction.CREATE, obj, changes=changes(None, snapshot(obj)))
        return super().log_addition(request, obj, message)

    def log_change(self, request: Any, obj: Any, message: Any) -> Any:
        _record(request, AuditAction.UPDATE, obj,
                changes=changes(getattr(obj, "_audit_before", None), snapshot(obj)))
        obj._audit_before = snapshot(obj)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: Any, queryset: Any) -> Any:
        for obj in queryset:
            before = snapshot(obj)
            _record(request, AuditAction.DELETE, obj,
                    before={k: SECRET if k in SECRET_FIELDS else v for k, v in before.items()})
        return super().log_deletions(request, queryset)

    def get_actions(self, request: Any) -> Any:
        """Bulk actions other than delete (which is logged by ``log_deletions``) are
        audited: the action's name and the ids it was applied to."""
        actions: dict[str, Any] = dict(super().get_actions(request))
        for name, (func, action_name, description) in list(actions.items()):
            if name != "delete_selected":
                actions[name] = (_audited_action(func, action_name), action_name, description)
        return actions


def _audited_action(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    @wraps(func)
    def run(modeladmin: Any, request: Any, queryset: Any) -> Any:
        for obj in queryset:
            _record(request, AuditAction.UPDATE, obj, admin_action=name)
        return func(modeladmin, request, queryset)

    return run


class ReadOnlyAdmin(admin.ModelAdmin):
    """For the ``admin.py`` of a model the admin only shows: no add, change, delete or
    bulk action (the services make every write)."""

    actions = None

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


def guard(site: admin.AdminSite) -> None:
    """Put :class:`AuditedAdminMixin` in front of every ModelAdmin registered on ``site``."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        cls = type(model_admin)
        guarded = type(cls.__name__, (AuditedAdminMixin, cls), {"__module__": cls.__module__})
        site._registry[model] = guarded(model, site)
