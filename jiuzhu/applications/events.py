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

from jiuzhu.core.hooks import Hook

_month_confirmed: list[Callable[[Any, date], bool]] = []

#: ``decided(application, actor=…, action=…)``; register with ``on_decided(callback)``
decided = Hook("applications.decided")
on_decided = decided.register


def set_month_confirmed(answer: Callable[[Any, date], bool]) -> None:
    """Payments: ``answer(township, first_day_of_month)`` → whether that payroll is confirmed."""
    _month_confirmed[:] = [answer]


def month_confirmed(township: Any, month: date) -> bool:
    return any(answer(township, month) for answer in _month_confirmed)


# --- contracted home investigation (西湖 政府购买家境调查): the contracts app answers -------
#
# * :func:`contracted_organisations` — the organisations the township may entrust with a
#   case's home investigation (an open contract covering the case's region today); the
#   contracts app answers it with :func:`set_contracted_organisations`; none without it.
# * :func:`investigation_contracted` — called inside ``assign_investigation`` when the
#   township entrusts the case to an organisation; a callback that raises (no contract,
#   cap reached) undoes the assignment.
# * :func:`investigation_recorded` — called inside ``record_investigation`` (the report).

_contracted_organisations: list[Callable[[Any], list[Any]]] = []


def set_contracted_organisations(answer: Callable[[Any], list[Any]]) -> None:
    """Contracts: ``answer(application)`` → the organisations that may be entrusted."""
    _contracted_organisations[:] = [answer]


def contracted_organisations(application: Any) -> list[Any]:
    return [org for answer in _contracted_organisations for org in answer(application)]


#: ``investigation_contracted(application, organisation=…, actor=…)``
investigation_contracted = Hook("applications.investigation_contracted")
on_investigation_contracted = investigation_contracted.register
#: ``investigation_recorded(application, actor=…)``
investigation_recorded = Hook("applications.investigation_recorded")
on_investigation_recorded = investigation_recorded.register
