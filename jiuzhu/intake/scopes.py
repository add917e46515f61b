"""What a department officer (部门经办人) may see, registered with the access layer
(``jiuzhu/core/access.py``): the items of their department (leading or co-handling), the
requests that hold them, and the households of the items still with the department. Of
every other model an officer sees nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from jiuzhu.core.access import register_scope

from .choices import OPEN_ITEM_STATES
from .models import CoHandler, RequestItem


def _department(user: Any) -> str:
    return getattr(user, "department", "") or "-"


def department_items(user: Any) -> Q:
    """Items the department leads, or co-handles."""
    department = _department(user)
    assisting = CoHandler.objects.filter(department_code=department).values("item_id")
    return Q(department_code=department) | Q(pk__in=assisting)


def department_requests(user: Any) -> Q:
    items = RequestItem.objects.filter(department_items(user), request=OuterRef("pk"))
    return Q(Exists(items))


def department_households(user: Any) -> Q:
    """Households while one of their items is with the department (not after it finished
    or returned the item)."""
    items = RequestItem.objects.filter(department_items(user), household=OuterRef("pk"),
                                       state__in=OPEN_ITEM_STATES)
    return Q(Exists(items))


def register() -> None:
    register_scope("intake.RequestItem", "department", department_items)
    register_scope("intake.Request", "department", department_requests)
    register_scope("households.Household", "department", department_households)
