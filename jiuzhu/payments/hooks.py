"""What the payroll asks of the apps above it. They register here in their ``ready()``
(supervision does), so payments never imports them:

- a *before-payroll* step ``fn(*, actor, township, month) -> list[Application]`` runs first
  in the payroll's transaction (supervision stops the cases whose phase-out has ended) and
  returns the cases it stopped;
- an *amount* rule ``fn(application, month) -> Decimal | None`` gives what to pay that month
  instead of the approved amount (a phase-out's amount), or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

BeforePayroll = Callable[..., list[Any]]
AmountRule = Callable[[Any, date], Decimal | None]

_BEFORE: list[BeforePayroll] = []
_AMOUNT: list[AmountRule] = []


def register_before_payroll(step: BeforePayroll) -> None:
    if step not in _BEFORE:
        _BEFORE.append(step)


def register_amount_rule(rule: AmountRule) -> None:
    if rule not in _AMOUNT:
        _AMOUNT.append(rule)


def before_payroll(*, actor: Any, township: Any, month: date) -> list[Any]:
    """Run every registered step; the cases they stopped."""
    stopped: list[Any] = []
    for step in _BEFORE:
        stopped.extend(step(actor=actor, township=township, month=month))
    return stopped


def paid_amount(application: Any, month: date) -> Decimal:
    """What ``application`` is paid for ``month``: the first registered rule's amount, or
    the approved amount."""
    for rule in _AMOUNT:
        amount = rule(application, month)
        if amount is not None:
            return amount
    return application.approved_amount
