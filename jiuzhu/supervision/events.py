"""One-way hooks of the supervision app: apps on top (archive) register here in their
``AppConfig.ready()``; supervision never imports them.

* :func:`on_stopped` — called when a case is stopped (停发: a review's stop, the end of a
  phase-out, a tip-off closed with a stop), inside the transaction that stops it and after
  the case is saved, with ``(application, actor=…, action=…)``. A callback that raises
  undoes the stop.
"""

from __future__ import annotations

from jiuzhu.core.hooks import Hook

stopped = Hook("supervision.stopped")
on_stopped = stopped.register
