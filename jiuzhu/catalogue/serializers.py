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
        # 50-api.md: "condition", the item's eligibility expression as the county wrote it
        # (null: decided only on request) — the 符合 condition, or the 可能符合 one for an
        # item that has only that (temporary assistance); both in "conditions"
        "condition": item.condition_eligible or item.condition_possible or None,
        "conditions": {"eligible": item.condition_eligible or None,
                       "possible": item.condition_possible or None},
    }
