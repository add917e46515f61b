"""One-way hooks of the emergency app: apps on top (archive) register here in their
``AppConfig.ready()``; emergency never imports them.

* :func:`on_closed` — called when an emergency case is closed (办结: closed after a
  referral or monitoring, no help decided, papers done), inside the transaction that closes
  it and after the case is saved, with ``(case, actor=…, action=…)``. A callback that
  raises undoes the closing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ClosedCallback = Callable[..., None]

_closed: list[ClosedCallback] = []


def on_closed(callback: ClosedCallback) -> ClosedCallback:
    """Register ``callback(case, *, actor, action)`` (usable as a decorator); the same
    callback twice is kept once."""
    if callback not in _closed:
        _closed.append(callback)
    return callback


def closed(case: Any, *, actor: Any, action: str) -> None:
    """Tell every registered app that ``case`` was closed by ``action``."""
    for callback in list(_closed):
        callback(case, actor=actor, action=action)
