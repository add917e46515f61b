"""Who may see a case's documents (文书查看权限).

The documents app does not know the case models, so the check is a callback: by
default the owner's ``region_path`` must lie in the user's region subtree (a superuser
sees everything); a model with other rules registers its own check, e.g. in its
AppConfig.ready(): ``owner_visibility_register(Application, application_visible)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

OwnerCheck = Callable[[Any, models.Model], bool]
_checks: dict[type[models.Model], OwnerCheck] = {}


def owner_visibility_register(model: type[models.Model], check: OwnerCheck) -> None:
    """Use ``check(user, owner)`` instead of the region rule for documents of ``model``."""
    _checks[model] = check


def _region_rule(user: Any, owner: models.Model) -> bool:
    path = getattr(owner, "region_path", None)
    user_path = getattr(user, "region_path", "") or ""
    return bool(isinstance(path, str) and path and user_path and path.startswith(user_path))


def owner_visible(user: Any, owner: models.Model | None) -> bool:
    """Whether ``user`` may see the documents of ``owner`` (the case they belong to)."""
    if owner is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    for model in type(owner).__mro__:
        if model in _checks:
            return bool(_checks[model](user, owner))
    return _region_rule(user, owner)
