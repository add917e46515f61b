"""Who may see a case's documents (文书查看权限).

The documents app does not know the case models, so the check is a callback: by
default the owner must be visible to the user through the access layer
(``Owner.objects.visible_to(user)``, ``jiuzhu/core/access.py``); a model with other rules registers its own check, e.g. in its
AppConfig.ready(): ``owner_visibility_register(Application, application_visible)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from jiuzhu.core.access import sees_everything

OwnerCheck = Callable[[Any, models.Model], bool]
_checks: dict[type[models.Model], OwnerCheck] = {}


def owner_visibility_register(model: type[models.Model], check: OwnerCheck) -> None:
    """Use ``check(user, owner)`` instead of the region rule for documents of ``model``."""
    _checks[model] = check


def _visible_rule(user: Any, owner: models.Model) -> bool:
    """The owner is visible to the user through the access layer (``visible_to``)."""
    qs = type(owner)._default_manager.all()
    if not hasattr(qs, "visible_to"):
        return sees_everything(user)
    return qs.visible_to(user).filter(pk=owner.pk).exists()


def owner_visible(user: Any, owner: models.Model | None) -> bool:
    """Whether ``user`` may see the documents of ``owner`` (the case they belong to)."""
    if owner is None or not getattr(user, "is_authenticated", False):
        return False
    for model in type(owner).__mro__:
        if model in _checks:
            return bool(_checks[model](user, owner))
    return _visible_rule(user, owner)
