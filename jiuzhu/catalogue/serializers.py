from __future__ import annotations

from typing import Any

from .models import Item


def item_to_dict(item: Item) -> dict[str, Any]:
    """An item as `GET /api/v1/catalogue/items` gives it (50-api.md), plus its details."""
    return {
        "code": item.code,
        "name": item.name,
        "department": {"code": item.department.code, "name": item.department.name},
        "level": item.level,
        "limit": item.limit,
        "program": item.program or None,
        "materials": list(item.materials),
        "valid_from": item.valid_from.isoformat(),
        "condition": {"eligible": item.condition_eligible or None,
                      "possible": item.condition_possible or None},
    }
