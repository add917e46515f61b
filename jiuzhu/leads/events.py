"""One-way hooks of the leads app: apps on top (emergency) register here in their
``AppConfig.ready()``; leads never imports them (``applications/events.py`` is the pattern).

* :func:`on_critical_lead` — called when a lead with urgency ``critical`` (紧急: 断炊, 无处居住
  …) has a household: when it is recorded naming an active household (its ID number), or
  when it is converted into a household record. Called inside that transaction, after the
  lead is saved with its household, with ``(lead, actor=…)``; a callback that raises undoes
  the recording or the conversion. Emergency opens a case from it at once
  (``emergency.services.open_from_lead``), which goes to the township's duty list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CriticalLeadCallback = Callable[..., Any]

_critical: list[CriticalLeadCallback] = []


def on_critical_lead(callback: CriticalLeadCallback) -> CriticalLeadCallback:
    """Register ``callback(lead, *, actor)`` (usable as a decorator); the same callback twice
    is kept once."""
    if callback not in _critical:
        _critical.append(callback)
    return callback


def critical_lead(lead: Any, *, actor: Any) -> None:
    """Tell every registered app that the critical ``lead`` has its household."""
    for callback in list(_critical):
        callback(lead, actor=actor)


def critical_lead_callbacks() -> tuple[CriticalLeadCallback, ...]:
    """The registered callbacks (for tests)."""
    return tuple(_critical)
