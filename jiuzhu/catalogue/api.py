"""GET /api/v1/catalogue/items: the service catalogue in force (50-api.md)."""

from __future__ import annotations

from datetime import date

from ninja import Router

from jiuzhu.core.api_types import refusals

from .schemas import CatalogueItemOut
from .selectors import items_in_force
from .serializers import item_to_dict

router = Router(tags=["catalogue"])


@router.get("/items", response={200: list[CatalogueItemOut], **refusals(422)},
            summary="政策清单 The service catalogue in force")
def catalogue_items(request, on: date | None = None):
    """The items in force today (or on `?on=YYYY-MM-DD`), in catalogue order."""
    return [item_to_dict(item) for item in items_in_force(on)]
