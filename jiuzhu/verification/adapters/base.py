"""The one interface every data source (数据源) sits behind.

An adapter is asked about the members of one household and answers, per person, the
facts its department holds. Facts use these keys, per source code:

=================  ==========================================================================
``hukou``          ``name`` (str), ``id_number`` (str), ``alive`` (bool)
``vehicles``       ``vehicles``: list of ``{kind, value, plate}`` (kind as in the schema)
``real_estate``    ``homes``: list of ``{unit, area_m2}`` (one per property; ``unit`` is the
                   不动产单元号 or "" when the department gives none)
``social_insurance`` ``wages``, ``pension`` (annual)
``business``       ``business_registration`` (bool), ``enterprises`` (list of names)
``housing_fund``   ``contributions`` (annual), ``implied_wages`` (annual)
``deposits``       ``financial_assets`` (deposits plus securities)
=================  ==========================================================================

Money and areas are :class:`~decimal.Decimal`. A person the source has no record of is
simply absent from :attr:`SourceResult.facts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


class SourceUnavailable(Exception):
    """The source cannot answer now (down, no export file, an unreadable export).

    The request keeps this source pending; the next run asks again. The message is shown
    to the verification officer, in Chinese.
    """


@dataclass
class SourceResult:
    """What a source answered: facts per ID number, and the payload exactly as received
    (JSON-serialisable; kept forever with the response)."""

    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    payload: Any = None


@runtime_checkable
class SourceAdapter(Protocol):
    """A department's data source. ``members`` are the household's member objects in the
    shape of household.schema.json; real sources use only ``id_number`` and ``name``."""

    code: str
    name: str

    def query(self, *, members: list[dict[str, Any]]) -> SourceResult: ...
