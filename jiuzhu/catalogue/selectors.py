"""Reading the catalogue: the versions in force on a day."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from jiuzhu.core.errors import ErrorCode, ServiceError

from .models import Item


def items_in_force(on: date | None = None) -> list[Item]:
    """Every item in force on ``on`` (today by default), in catalogue order."""
    day = on or timezone.localdate()
    latest = (Item.objects.filter(code=OuterRef("code"), valid_from__lte=day)
              .order_by("-valid_from").values("id")[:1])
    rows = (Item.objects.filter(valid_from__lte=day, id=Subquery(latest), retired=False)
            .select_related("department").order_by("position", "code"))
    return list(rows)


def item_in_force(code: str, on: date | None = None) -> Item:
    """The version of item ``code`` in force on ``on``; 422 naming ``item_code`` if none."""
    day = on or timezone.localdate()
    item = (Item.objects.filter(code=code, valid_from__lte=day).select_related("department")
            .order_by("-valid_from").first())
    if item is None or item.retired:
        raise ServiceError(ErrorCode.VALIDATION, f"事项 {code} 不在政策清单中",
                           [{"path": "item_code", "message": f"未知或已停用的事项：{code}"}])
    return item


def item_versions(code: str) -> list[Item]:
    return list(Item.objects.filter(code=code).select_related("department")
                .order_by("-valid_from"))
