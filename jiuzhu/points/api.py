"""The points API (routes with their full paths under /api/v1)."""

from ninja import Router

router = Router(tags=["points"])
