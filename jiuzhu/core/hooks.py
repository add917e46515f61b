"""One-way hooks: how a lower app tells the apps above it that something happened, without
importing them. The lower app declares ``closed = Hook("emergency.closed")`` in its
``events.py`` and calls ``closed(case, actor=…, action=…)`` inside the transaction where it
happened; an upper app registers ``closed.register(callback)`` in its ``AppConfig.ready()``.
A callback that raises undoes what happened (it runs in the same transaction). The same
callback registered twice is kept once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Callback = Callable[..., Any]


class Hook:
    """A named list of callbacks, called in the order they registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callback] = []

    def register(self, callback: Callback) -> Callback:
        """Add ``callback`` (usable as a decorator); twice is kept once."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        """Call every registered callback with these arguments."""
        for callback in list(self._callbacks):
            callback(*args, **kwargs)

    @property
    def callbacks(self) -> tuple[Callback, ...]:
        return tuple(self._callbacks)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._callbacks)} callbacks>"
