"""One-way hooks of the applications app: apps on top (intake, supervision, payments)
register here in their ``AppConfig.ready()``; applications never imports them.

* :func:`on_decided` — called when a case leaves the open procedure (approved, refused,
  not accepted, withdrawn), inside the transaction that decided it and after the case is
  saved, with ``(application, actor=…, action=…)``. A callback that raises undoes the
  decision. Intake closes the request item; supervision schedules the reviews.
* :func:`month_confirmed` — whether a township's payroll of a month is already confirmed
  (one-off assistance is then paid the month after). Payments answers it with
  :func:`set_month_confirmed`; without payments installed no month is confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

DecidedCallback = Callable[..., None]

_decided: list[DecidedCallback] = []
_month_confirmed: list[Callable[[Any, date], bool]] = []


def on_decided(callback: DecidedCallback) -> DecidedCallback:
    """Register ``callback(application, *, actor, action)`` (usable as a decorator); the
    same callback twice is kept once."""
    if callback not in _decided:
        _decided.append(callback)
    return callback


def decided(application: Any, *, actor: Any, action: str) -> None:
    """Tell every registered app that ``application`` was decided by ``action``."""
    for callback in list(_decided):
        callback(application, actor=actor, action=action)


def set_month_confirmed(answer: Callable[[Any, date], bool]) -> None:
    """Payments: ``answer(township, first_day_of_month)`` → whether that payroll is confirmed."""
    _month_confirmed[:] = [answer]


def month_confirmed(township: Any, month: date) -> bool:
    return any(answer(township, month) for answer in _month_confirmed)
