"""Hooks of ``jiuzhu backup`` and ``jiuzhu restore`` for the apps above core.

``backing_up(manifest)`` is called before the database is copied: a callback adds its keys
to the manifest (the audit chain's anchor: the newest event the copy holds at least).
``restored(manifest)`` is called once the database and the files are back (the audit anchor
is set to the restored database's newest event)."""

from __future__ import annotations

from .hooks import Hook

backing_up = Hook("core.backing_up")
restored = Hook("core.restored")
