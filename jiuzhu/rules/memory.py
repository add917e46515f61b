"""The cyclic garbage collector paused while many fresh objects become arrays."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collection() -> Iterator[None]:
    """Without the cyclic garbage collector while a chunk's rows or a batch's dicts are
    built: they make no cycles, and its full passes over hundreds of thousands of fresh
    tuples or dicts would set off again and again and take longer than building them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
