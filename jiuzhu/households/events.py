"""One-way hooks of the households app: apps on top (assessments) register here in their
``AppConfig.ready()``; households never imports them.

* :func:`on_moved` — called when a household's location changes (another village or grid:
  its ``region_path``), inside the transaction that moves it and after it is saved, with
  ``(household, actor=…)``. A callback that raises undoes the move.
"""

from __future__ import annotations

from jiuzhu.core.hooks import Hook

moved = Hook("households.moved")
on_moved = moved.register
