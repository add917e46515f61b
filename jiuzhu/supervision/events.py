"""One-way hooks of the supervision app: apps on top (archive) register here in their
``AppConfig.ready()``; supervision never imports them.

* :func:`on_stopped` — called when a case is stopped (停发: a review's stop, the end of a
  phase-out, a tip-off closed with a stop), inside the transaction that stops it and after
  the case is saved, with ``(application, actor=…, action=…)``. A callback that raises
  undoes the stop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StoppedCallback = Callable[..., None]

_stopped: list[StoppedCallback] = []


def on_stopped(callback: StoppedCallback) -> StoppedCallback:
    """Register ``callback(application, *, actor, action)`` (usable as a decorator); the
    same callback twice is kept once."""
    if callback not in _stopped:
        _stopped.append(callback)
    return callback


def stopped(application: Any, *, actor: Any, action: str) -> None:
    """Tell every registered app that ``application`` was stopped by ``action``."""
    for callback in list(_stopped):
        callback(application, actor=actor, action=action)
