"""Data-source adapters (数据源适配器) and the registry :data:`SOURCES`.

``SOURCES[code]`` is the adapter that answers for a source *now*, in this order:

1. the class named for it in ``settings.VERIFICATION_ADAPTERS`` (``{code: "dotted.Path"}``),
   instantiated with the source code — a department's API, say;
2. :class:`FileExportAdapter` when the department's export file is in the export folder;
3. :class:`DemoAdapter` when ``settings.VERIFICATION_DEMO`` is on (the default);
4. otherwise :class:`FileExportAdapter`, which answers ``SourceUnavailable`` until the
   file is put there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SourceAdapter, SourceResult, SourceUnavailable
from .catalog import SOURCE_CODES, SOURCE_INFO, SourceInfo, source_name
from .demo import DemoAdapter
from .files import EXPORT_FORMATS, FileExportAdapter, export_dir, export_file

__all__ = [
    "EXPORT_FORMATS", "SOURCES", "SOURCE_CODES", "SOURCE_INFO", "DemoAdapter",
    "FileExportAdapter", "SourceAdapter", "SourceInfo", "SourceResult", "SourceUnavailable",
    "adapter_for", "export_dir", "export_file", "source_name",
]


class SourceRegistry(Mapping[str, SourceAdapter]):
    """Source code → the adapter to ask, decided when asked (files come and go)."""

    def __getitem__(self, code: str) -> SourceAdapter:
        if code not in SOURCE_INFO:
            raise KeyError(code)
        configured = (getattr(settings, "VERIFICATION_ADAPTERS", None) or {}).get(code)
        if configured:
            return import_string(configured)(code)
        if export_file(code) is None and getattr(settings, "VERIFICATION_DEMO", True):
            return DemoAdapter(code)
        return FileExportAdapter(code)

    def __iter__(self) -> Iterator[str]:
        return iter(SOURCE_CODES)

    def __len__(self) -> int:
        return len(SOURCE_CODES)


SOURCES = SourceRegistry()


def adapter_for(code: str, *, declared: dict[str, Any] | None = None) -> SourceAdapter:
    """The adapter of ``code``; a simulated one (the demo) is told the declaration."""
    adapter = SOURCES[code]
    bind = getattr(adapter, "for_household", None)
    if bind is not None and declared is not None:
        return bind(declared)
    return adapter
