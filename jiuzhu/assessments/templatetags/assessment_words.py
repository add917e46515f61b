"""Template filters: the engine's explanation in a worker's words (see ``wording.py``)."""

from __future__ import annotations

from typing import Any

from django import template

from jiuzhu.assessments.wording import worker_lines, worker_reason

register = template.Library()


@register.filter(name="worker_lines")
def worker_lines_filter(explanation: dict[str, Any] | None) -> list[dict[str, str]]:
    return worker_lines(explanation)


@register.filter(name="worker_reason")
def worker_reason_filter(explanation: dict[str, Any] | None) -> str:
    return worker_reason(explanation)
