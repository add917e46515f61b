"""One-way hooks of the verification app: the procedure upstairs (applications) registers
here in its ``AppConfig.ready()``; verification never imports it.

* :func:`on_completed` — called once, when every source of a request has answered, inside
  the transaction that saved the last answer, with ``(request)``. A request made for a
  case (``request.case_number``) is linked to that case by its listener. A listener that
  raises undoes the answer (it is asked again by the next run), so listeners refuse
  quietly what they cannot do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CompletedCallback = Callable[[Any], None]

_completed: list[CompletedCallback] = []


def on_completed(callback: CompletedCallback) -> CompletedCallback:
    """Register ``callback(request)`` (usable as a decorator); twice is kept once."""
    if callback not in _completed:
        _completed.append(callback)
    return callback


def completed(request: Any) -> None:
    """Tell every listener that ``request`` is complete."""
    for callback in list(_completed):
        callback(request)
