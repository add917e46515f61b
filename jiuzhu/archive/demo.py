"""The 电子档案 part of the demo county (called by ``jiuzhu.demo.loader``)."""

from __future__ import annotations

from typing import Any


def load(stdout: Any = None) -> None:
    """Idempotent; through the services."""
