"""The comprehensive assessment (大处方) of a registered household (15-programs.md).

Reads the household as registered (the same snapshot the dibao assessment uses), the
catalogue in force for the items' names, and what the household already receives, and
returns every catalogue item with its status, reason, coordination order and overlaps,
via the pure :mod:`jiuzhu.rules.prescription`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.models import Household
from jiuzhu.rules.prescription import prescribe

from .item_conditions import on_request_codes, rules_of
from .services import household_snapshot

# What households already receive is known above this app (their intake items and their
# applications). The app that knows registers a provider in its ready() (intake does), so
# assessments never imports it: ``fn(households queryset) -> iterable of (household pk,
# catalogue code)``, asked for one household (the prescription) or a region (the report).
ReceivingProvider = Callable[[Any], Iterable[tuple[int, str]]]
_RECEIVING: list[ReceivingProvider] = []


def register_receiving(provider: ReceivingProvider) -> None:
    """Add a source of the catalogue codes households already receive or have open."""
    if provider not in _RECEIVING:
        _RECEIVING.append(provider)


def _receiving(households: Any) -> dict[int, set[str]]:
    codes: dict[int, set[str]] = {}
    for provider in _RECEIVING:
        for household_pk, code in provider(households):
            codes.setdefault(household_pk, set()).add(code)
    return codes


# Which households receive a programme today (for the monitoring circle, 碑林) is known by
# applications: it registers ``fn(programmes) -> QuerySet`` of household ids in its ready()
# (``applications.receiving.receiving_household_ids``; programme codes of 50-api.md).
ReceivingHouseholds = Callable[..., Any]  # fn(programmes, *, region=None)
_RECEIVING_HOUSEHOLDS: list[ReceivingHouseholds] = []


def register_receiving_households(provider: ReceivingHouseholds) -> None:
    """Add a source of the households receiving given programmes (a queryset of ids)."""
    if provider not in _RECEIVING_HOUSEHOLDS:
        _RECEIVING_HOUSEHOLDS.append(provider)


def receiving_households_q(programmes: Iterable[str], on: str = "household",
                           region: Any = None) -> Q:
    """A filter on ``on`` (a household) for the households receiving one of
    ``programmes`` today, by every registered provider; matches nothing without one.
    ``region``: the rows filtered all live there (the providers look there only)."""
    codes = list(programmes)
    q = Q(**{f"{on}__in": []})
    for provider in _RECEIVING_HOUSEHOLDS:
        q |= Q(**{f"{on}__in": provider(codes, region=region)})
    return q


def items_receiving_in(region: Any) -> dict[int, set[str]]:
    """Catalogue codes each household under ``region`` receives or has open (households
    with none are left out), from every registered provider."""
    return _receiving(Household.objects.within(region))


def items_receiving(household: Household) -> set[str]:
    """Catalogue codes the household receives or has open, from every registered provider."""
    return _receiving(Household.objects.filter(pk=household.pk)).get(household.pk, set())


@dataclass
class Prescription:
    """The prescription of one household: ``entries`` are the API's objects."""

    household: Household
    on: date
    entries: list[dict[str, Any]]
    tekun_members: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    receiving: set[str] = field(default_factory=set)
    on_request: set[str] = field(default_factory=set)  # items without a condition

    def api(self) -> list[dict[str, Any]]:
        keys = ("item_code", "status", "reason", "order", "overlaps")
        return [{k: e[k] for k in keys} for e in self.entries]


def _catalogue(on: date) -> tuple[dict[str, str], dict[str, str], tuple[Any, ...]]:
    """Names, departments and the item rules (conditions) of the items in force."""
    from jiuzhu.catalogue.selectors import items_in_force

    names, departments = {}, {}
    items = items_in_force(on)
    for item in items:
        names[item.code] = item.name
        departments[item.code] = item.department.name if item.department_id else ""
    return names, departments, rules_of(items)


def household_prescription(*, actor: Any, household: Household,
                           on: date | None = None) -> Prescription:
    """The 大处方 of a registered household the actor may see (404 otherwise).

    Reading it shows personal data, so it is audited like the other household reads.
    """
    if not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"))
    on = on or timezone.localdate()
    snapshot = household_snapshot(household, on=on)
    receiving = items_receiving(household)
    names, departments, rules = _catalogue(on)
    (result,) = prescribe([snapshot], [receiving], names={r.code: names.get(r.code, r.name) for r in rules},
                          items=rules)
    if "errors" in result:
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息不完整，无法生成大处方"), result["errors"])
    with transaction.atomic():
        audit_record(actor=actor, action="view", obj=household, detail={"via": "prescription"})
    return Prescription(
        household=household, on=on, entries=result["prescription"],
        tekun_members=result["tekun_members"], summary=result["summary"],
        names=names, departments=departments, receiving=receiving,
        on_request=on_request_codes(rules),
    )
