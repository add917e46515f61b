"""One-way hooks of the emergency app: apps on top (archive) register here in their
``AppConfig.ready()``; emergency never imports them.

* :func:`on_closed` — called when an emergency case is closed (办结: closed after a
  referral or monitoring, no help decided, papers done), inside the transaction that closes
  it and after the case is saved, with ``(case, actor=…, action=…)``. A callback that
  raises undoes the closing.
"""

from __future__ import annotations

from jiuzhu.core.hooks import Hook

closed = Hook("emergency.closed")
on_closed = closed.register
