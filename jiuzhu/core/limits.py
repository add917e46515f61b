"""Input limits, in one place: what a text may hold (no NUL nor other control characters;
tab and line breaks only in multi-line texts), how long it may be, and how large and how
deeply nested a JSON body may be. Used by :func:`jiuzhu.core.jsonio.loads_exact` (every
JSON body of the API), :class:`jiuzhu.core.forms.StyledForm` (every form field) and
:func:`check_instance_text` (model fields a service saves)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ErrorCode, ServiceError

#: Control characters refused in every text (tab, LF and CR are decided per field).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: … and in single-line texts also tab and line breaks.
CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")

#: The longest string anywhere in a JSON body (file contents ``*_base64`` excepted).
JSON_TEXT_MAX = 20_000
#: The deepest nesting of a JSON body (objects and arrays).
JSON_MAX_DEPTH = 20
#: The most text of a JSON body, file contents (``*_base64``) excepted, in characters.
JSON_MAX_CHARS = 1024 * 1024
#: A form's text field without its own ``max_length``: single-line, and multi-line.
FORM_LINE_MAX = 500
FORM_TEXT_MAX = 20_000


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def text_problem(value: str, *, multiline: bool = True, max_length: int | None = None) -> str:
    """Why ``value`` may not be stored ("" if it may): a control character, or too long."""
    pattern = CONTROL if multiline else CONTROL_SINGLE_LINE
    bad = pattern.search(value)
    if bad:
        return _("含有不允许的控制字符（U+%(code)04X）") % {"code": ord(bad.group())}
    if max_length is not None and len(value) > max_length:
        return _("内容过长：最多 %(max)s 个字符，现有 %(count)s 个") % {
            "max": max_length, "count": len(value)}
    return ""


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def check_json(data: Any) -> None:
    """Refuse (422 naming the place) a parsed JSON body nested deeper than
    ``JSON_MAX_DEPTH``, holding more than ``JSON_MAX_CHARS`` of text, or a string with a
    control character (tab and line breaks allowed) or longer than ``JSON_TEXT_MAX``."""
    max_depth = setting("JSON_MAX_DEPTH", JSON_MAX_DEPTH)
    max_chars = setting("JSON_MAX_CHARS", JSON_MAX_CHARS)
    text_max = setting("JSON_TEXT_MAX", JSON_TEXT_MAX)
    errors: list[dict[str, str]] = []
    total = 0
    # iterative, so depth never costs the interpreter's stack
    stack: list[tuple[Any, str, int, bool]] = [(data, "", 1, False)]
    while stack:
        node, path, depth, is_file = stack.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                raise ServiceError(ErrorCode.VALIDATION, _("请求内容嵌套过深"), [{
                    "path": path, "message": _("请求内容（JSON）嵌套超过 %(max)s 层") % {
                        "max": max_depth}}])
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in items:
                if isinstance(key, str):
                    total += len(key)
                stack.append((value, _path(path, key), depth + 1,
                              isinstance(key, str) and key.endswith("_base64")))
        elif isinstance(node, str) and not is_file:
            total += len(node)
            problem = text_problem(node, max_length=text_max)
            if problem and len(errors) < 50:
                errors.append({"path": path, "message": problem})
        if total > max_chars:
            raise ServiceError(ErrorCode.VALIDATION, _("请求内容过大"), [{
                "path": "", "message": _("请求内容（JSON）的文字超过 %(max)s 个字符") % {
                    "max": max_chars}}])
    if errors:
        errors.sort(key=lambda e: e["path"])
        raise ServiceError(ErrorCode.VALIDATION, _("请求参数有误"), errors)


def check_instance_text(instance: Any, *, fields: list[str] | None = None) -> None:
    """Refuse (422 naming the field) a model instance about to be saved whose text fields
    hold a control character (tab and line breaks only in a ``TextField``) or exceed their
    ``max_length`` — what a service checks before ``save()``, whatever the database."""
    from django.db import models

    errors = []
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        problem = text_problem(value, multiline=isinstance(field, models.TextField),
                               max_length=field.max_length)
        if problem:
            errors.append({"path": field.name, "message": problem})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("请求参数有误"), errors)


class TextValidator:
    """Every form text (``forms.CharField`` and its kin, see :func:`install`): no control
    character but tab and line breaks, at most ``FORM_TEXT_MAX`` characters even where the
    field sets no ``max_length``."""

    def __call__(self, value: Any) -> None:
        from django.core.exceptions import ValidationError

        if isinstance(value, str):
            problem = text_problem(value, max_length=setting("FORM_TEXT_MAX", FORM_TEXT_MAX))
            if problem:
                raise ValidationError(problem, code="text_limits")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator)

    def __hash__(self) -> int:
        return hash(TextValidator)


def install() -> None:
    """Give every Django form text field the :class:`TextValidator` (once, at start)."""
    from django import forms

    if not any(isinstance(v, TextValidator) for v in forms.CharField.default_validators):
        forms.CharField.default_validators = [*forms.CharField.default_validators, TextValidator()]


def model_text_errors(model: Any, data: Any, prefix: str = "") -> list[dict[str, str]]:
    """The errors of ``data`` (a dict about to become a ``model`` row) whose texts exceed
    the model field's ``max_length`` or hold a control character (tab and line breaks only
    in a ``TextField``), each naming ``prefix`` + the field."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    if not isinstance(data, dict):
        return []
    errors = []
    for name, value in data.items():
        if not isinstance(value, str):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.CharField | models.TextField):
            problem = text_problem(value, multiline=isinstance(field, models.TextField),
                                   max_length=field.max_length)
            if problem:
                errors.append({"path": f"{prefix}{name}", "message": problem})
    return errors
