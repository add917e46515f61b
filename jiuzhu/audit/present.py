"""The audit in words: who (name and role), did what (the action's label), to what (the
object's kind and name), where (the region's name), with which particulars (``detail`` as
``label：value`` lines) — for the audit page and its Excel export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from .choices import ACTION_LABELS, DETAIL_LABELS, DETAIL_VALUE_LABELS
from .models import AuditEvent

#: Keys whose values are the object's states (``state`` or ``status`` field choices).
STATE_KEYS = {"from": ("state", "status"), "to": ("state", "status"),
              "state": ("state",), "status": ("status", "state")}
ACTOR_NAMES = {"system": "系统", "anonymous": "匿名访问者", "resident": "群众（网上）"}


@lru_cache(maxsize=256)
def _model(label: str) -> Any:
    if not label or "." not in label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _name(model: Any) -> str:
    """The model's Chinese name; a history table (django-simple-history names it
    "historical 家庭") reads 家庭（历史版本）."""
    history_of = getattr(getattr(model, "instance_type", None), "_meta", None)
    if history_of is not None:
        return _("%(name)s（历史版本）") % {"name": history_of.verbose_name}
    return str(model._meta.verbose_name)


def object_type_label(label: str) -> str:
    """``households.household`` → 家庭 (the model's verbose name)."""
    model = _model(label)
    return _name(model) if model is not None else label


def object_type_choices() -> list[tuple[str, str]]:
    """Every kind of object of the platform, by its Chinese name."""
    rows = [(m._meta.label_lower, _name(m)) for m in apps.get_models()
            if m.__module__.startswith("jiuzhu.")]
    return sorted(rows, key=lambda row: row[1])


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def _field_label(model: Any, name: str) -> str | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # a reverse relation (a detail key named like ``helps`` or ``steps``) has no label
    label = getattr(field, "verbose_name", None)
    return str(label) if label is not None else None


def _key_label(key: str, model: Any) -> str:
    label = DETAIL_LABELS.get(key)
    if label is not None:
        return str(label)
    return _field_label(model, key) or key


def _state_label(key: str, value: str, model: Any) -> str | None:
    for name in STATE_KEYS.get(key, ()):
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        choices = dict(getattr(field, "flatchoices", None) or [])
        if value in choices:
            return str(choices[value])
    return None


def value_text(value: Any, *, key: str = "", model: Any = None) -> str:
    """A value of ``detail`` as plain Chinese text."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, str):
        state = _state_label(key, value, model)
        if state is not None:
            return state
        known = DETAIL_VALUE_LABELS.get(value) if key in ("via", "what", "page", "file") else None
        return str(known) if known is not None else value
    if isinstance(value, dict):
        return "；".join(f"{_key_label(str(k), model)}：{value_text(v, key=str(k), model=model)}"
                        for k, v in value.items())
    if isinstance(value, list | tuple):
        if len(value) == 2 and key not in ("items", "files", "sources", "members"):
            # a change [old, new]
            return f"{value_text(value[0], key=key, model=model)} → " \
                   f"{value_text(value[1], key=key, model=model)}"
        return "、".join(value_text(v, key=key, model=model) for v in value) or "—"
    return str(value)


def detail_lines(detail: Any, object_type: str = "") -> list[tuple[str, str]]:
    """``detail`` as ``(label, text)`` lines."""
    if not detail:
        return []
    model = _model(object_type)
    if not isinstance(detail, dict):
        return [(_("详情"), value_text(detail, model=model))]
    return [(_key_label(str(k), model), value_text(v, key=str(k), model=model))
            for k, v in detail.items()]


def region_names(paths: Iterable[str]) -> dict[str, str]:
    """Region path → its name from the county down (``示范县 / 城关街道 / 东门社区``)."""
    paths = {p for p in paths if p}
    codes = {code for p in paths for code in p.strip("/").split("/") if code}
    if not codes:
        return {}
    region = apps.get_model("regions", "Region")
    names = dict(region.objects.filter(code__in=codes).values_list("code", "name"))
    out = {}
    for path in paths:
        chain = [names.get(code, code) for code in path.strip("/").split("/") if code]
        out[path] = " / ".join(chain[2:] if len(chain) > 3 else chain)
    return out


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    actor: str
    role: str
    action: str
    object_type: str
    object: str
    region: str
    lines: list[tuple[str, str]]

    @property
    def detail_text(self) -> str:
        return "\n".join(f"{label}：{text}" for label, text in self.lines)


def actor_text(event: AuditEvent) -> tuple[str, str]:
    """(name, role) of whoever acted."""
    user = event.actor
    if user is not None:
        role = user.get_role_display() if getattr(user, "role", "") else ""
        if user.is_superuser and not role:
            role = _("系统超级管理员")
        name = user.full_name or user.username
        if user.full_name:
            name = f"{user.full_name}（{user.username}）"
        return name, str(role)
    known = ACTOR_NAMES.get(event.actor_name)
    return (known, "") if known else (event.actor_name or "—", "")


def event_rows(events: Iterable[AuditEvent]) -> list[EventRow]:
    events = list(events)
    regions = region_names(e.region_path for e in events)
    rows = []
    for event in events:
        name, role = actor_text(event)
        kind = object_type_label(event.object_type) if event.object_type else ""
        obj = event.object_repr or (f"#{event.object_id}" if event.object_id else "")
        rows.append(EventRow(event=event, actor=name, role=role,
                             action=action_label(event.action), object_type=kind, object=obj,
                             region=regions.get(event.region_path, ""),
                             lines=detail_lines(event.detail, event.object_type)))
    return rows
