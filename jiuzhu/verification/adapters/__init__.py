"""Data-source adapters (数据源适配器) and the registry :data:`SOURCES`.

``SOURCES[code]`` is the adapter that answers for a source *now*, in this order:

1. the class named for it in ``settings.VERIFICATION_ADAPTERS`` (``{code: "dotted.Path"}``),
   instantiated with the source code — a department's API, say;
2. :class:`FileExportAdapter` when the department's export file is in the export folder;
3. :class:`DemoAdapter` when the demo source may answer (:func:`demo_answers`): for every
   household when ``settings.VERIFICATION_DEMO`` is on (off by default); else only for the
   households of the demo county, once ``jiuzhu demo`` has loaded it here (it records the
   flag :data:`jiuzhu.core.flags.DEMO_COUNTY`). Its answers carry ``"demo": true`` and are
   shown as 演示数据 on the report and the documents;
4. otherwise :class:`FileExportAdapter`, which answers ``SourceUnavailable`` until the
   file is put there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from jiuzhu.core.flags import DEMO_COUNTY, flag_value

from .base import SourceAdapter, SourceResult, SourceUnavailable
from .catalog import SOURCE_CODES, SOURCE_INFO, SourceInfo, source_name
from .demo import DemoAdapter
from .files import EXPORT_FORMATS, FileExportAdapter, export_dir, export_file

__all__ = [
    "EXPORT_FORMATS", "SOURCES", "SOURCE_CODES", "SOURCE_INFO", "DemoAdapter",
    "FileExportAdapter", "SourceAdapter", "SourceInfo", "SourceResult", "SourceUnavailable",
    "adapter_for", "demo_answers", "export_dir", "export_file", "source_name",
]


def demo_answers(region_code: str = "") -> bool:
    """Whether the demo source may answer for a household of ``region_code``: always when
    ``settings.VERIFICATION_DEMO`` is on; otherwise only inside the demo county, and only
    once the demo county was loaded into this database. Never in production by default."""
    if getattr(settings, "VERIFICATION_DEMO", False):
        return True
    if not region_code:
        return False
    county = flag_value(DEMO_COUNTY)
    return bool(county) and region_code.startswith(county)


class SourceRegistry(Mapping[str, SourceAdapter]):
    """Source code → the adapter to ask, decided when asked (files come and go).
    ``SOURCES[code]`` is the adapter for no household in particular;
    :meth:`for_region` the one for a household of a region (the demo county's)."""

    def __getitem__(self, code: str) -> SourceAdapter:
        return self.for_region(code, "")

    def for_region(self, code: str, region_code: str) -> SourceAdapter:
        if code not in SOURCE_INFO:
            raise KeyError(code)
        configured = (getattr(settings, "VERIFICATION_ADAPTERS", None) or {}).get(code)
        if configured:
            return import_string(configured)(code)
        if export_file(code) is None and demo_answers(region_code):
            return DemoAdapter(code)
        return FileExportAdapter(code)

    def __iter__(self) -> Iterator[str]:
        return iter(SOURCE_CODES)

    def __len__(self) -> int:
        return len(SOURCE_CODES)


SOURCES = SourceRegistry()


def adapter_for(code: str, *, declared: dict[str, Any] | None = None) -> SourceAdapter:
    """The adapter of ``code``; a simulated one (the demo) is told the declaration."""
    adapter = SOURCES.for_region(code, str((declared or {}).get("region_code") or ""))
    bind = getattr(adapter, "for_household", None)
    if bind is not None and declared is not None:
        return bind(declared)
    return adapter
