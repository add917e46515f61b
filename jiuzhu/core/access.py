"""Who sees what: the one place that knows superusers, the system actor, users without a
region, the region prefix, departments, organisations and assignments.

Every model that belongs to a region gets its manager from :class:`VisibleQuerySet` and
is read through ``Model.objects.visible_to(user)``; nothing else filters by region path
for access (``jiuzhu/core/tests/test_access.py`` greps for it).

The rules, in order:

1. nobody (anonymous, ``None``) sees nothing;
2. a superuser and :data:`SYSTEM` (the daily job, the demo loader, a data migration)
   see everything;
3. a user without a region sees nothing;
4. everyone else sees the rows whose region path (``path_fields``) starts with the user's
   region path — their subtree — or with the path of a subtree assigned to them
   (**grants**: a grid worker's responsible grids, registered by the leads app);
5. a user whose role is *scoped* (a department officer; next: a social-work organisation,
   a contracted investigator) sees, within the subtree, only the rows that a **scope**
   registered for that model and that kind of user admits; a model with no scope for
   such a user shows that user nothing. Scopes are registered by the app that knows the
   link (intake knows which households have an item with a department), so a lower app
   never imports a higher one: ``register_scope("households.Household", "department", fn)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _


class SystemActor:
    """The platform itself acting (daily job, demo loader, migrations): sees and may do
    everything, and is recorded as 系统 in the audit. Use :data:`SYSTEM`, never ``None``."""

    pk = None
    id = None
    username = "system"
    full_name = "系统"
    is_superuser = False
    is_staff = False
    is_active = True
    is_authenticated = True
    is_anonymous = False
    is_system = True
    role = "system"
    region = None
    region_id = None
    region_path = ""
    department = ""
    organisation_id = None

    def __str__(self) -> str:
        return "系统"

    def __repr__(self) -> str:
        return "SYSTEM"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True


SYSTEM = SystemActor()


def is_system(user: Any) -> bool:
    return getattr(user, "is_system", False) is True


def sees_everything(user: Any) -> bool:
    """A superuser or the system actor."""
    return bool(user is not None and (is_system(user) or getattr(user, "is_superuser", False)))


#: Scoped kinds of users: the kind is computed from the user; each kind must be admitted
#: per model by a registered scope, or it sees nothing of that model.
#: The roles of outside organisations (``accounts.choices.OUTSIDE_ROLES``; core imports no app).
ORGANISATION_ROLES = frozenset({"social_worker", "provider", "coordinator", "surveyor",
                                "station_keeper"})
SCOPE_KINDS: dict[str, Callable[[Any], bool]] = {
    "department": lambda user: getattr(user, "role", "") == "department_officer",
    # a user of an outside organisation: sees only what is assigned to the organisation
    # (or to them), by the scopes the owning apps register; nothing of any other model
    "organisation": lambda user: getattr(user, "role", "") in ORGANISATION_ROLES,
}

ScopeFn = Callable[[Any], Q]
_SCOPES: dict[tuple[str, str], list[ScopeFn]] = {}


def register_scope(model_label: str, kind: str, scope: ScopeFn) -> None:
    """Admit users of ``kind`` to the rows of ``model_label`` (``"app.Model"``) for which
    ``scope(user)`` holds. Several scopes for one model and kind are alternatives (OR)."""
    if kind not in SCOPE_KINDS:
        raise ValueError(f"unknown scope kind {kind!r}")
    scopes = _SCOPES.setdefault((model_label.lower(), kind), [])
    if scope not in scopes:
        scopes.append(scope)


def user_kinds(user: Any) -> list[str]:
    return [kind for kind, test in SCOPE_KINDS.items() if test(user)]


def scope_q(model: type[models.Model], user: Any) -> Q | None:
    """The extra condition scoped users must meet on ``model``; ``None`` when the user is
    not scoped; ``Q(pk__in=[])`` when no scope admits them."""
    kinds = user_kinds(user)
    if not kinds:
        return None
    label = model._meta.label_lower
    condition = Q(pk__in=[])
    for kind in kinds:
        for scope in _SCOPES.get((label, kind), []):
            condition |= scope(user)
    return condition


#: Assignments: extra subtrees a user is responsible for besides their own region (a grid
#: worker's responsible grids, registered by the leads app; next: an organisation's
#: contracted areas). ``grant(user) -> list of region paths``.
GrantFn = Callable[[Any], list[str]]
_GRANTS: list[GrantFn] = []


def register_grant(grant: GrantFn) -> None:
    if grant not in _GRANTS:
        _GRANTS.append(grant)


def user_prefixes(user: Any) -> list[str]:
    """Every region path whose subtree the user sees: their own region's, then the
    subtrees assigned to them (a grant costs a query only for the roles it concerns)."""
    prefixes = [getattr(user, "region_path", "")] if getattr(user, "region_path", "") else []
    for grant in _GRANTS:
        prefixes += [p for p in grant(user) if p and p not in prefixes]
    return prefixes


def region_q(path_fields: tuple[str, ...], prefix: str | list[str]) -> Q:
    condition = Q()
    for path in [prefix] if isinstance(prefix, str) else prefix:
        for field in path_fields:
            condition |= Q(**{f"{field}__startswith": path})
    return condition


_M = TypeVar("_M", bound=models.Model)


class VisibleQuerySet(models.QuerySet[_M]):
    """A queryset that knows who may see its rows. Subclass and set ``path_fields`` when
    the region path is not in ``region_path`` (e.g. ``("region__path",)``)."""

    path_fields: tuple[str, ...] = ("region_path",)

    def visible_to(self, user: Any) -> Self:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if sees_everything(user):
            return self
        prefixes = user_prefixes(user)
        if not prefixes:
            return self.none()
        qs = self.filter(region_q(self.path_fields, prefixes))
        extra = scope_q(self.model, user)
        if extra is not None:
            qs = qs.filter(extra)
        return qs

    def within(self, region: Any) -> Self:
        """Rows inside ``region``'s subtree (a filter chosen on a page, not access)."""
        if region is None:
            return self.none()
        return self.filter(region_q(self.path_fields, region.path))


def visible_path(user: Any, path: str) -> bool:
    """Whether a region path lies in the user's subtree (for objects not yet saved, and
    for choosing a region on a form). Scopes do not apply: use ``visible_to`` for rows."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if sees_everything(user):
        return True
    return bool(path) and any(path.startswith(p) for p in user_prefixes(user))


# --- Lookups that refuse ---------------------------------------------------------------------
#
# One object the user may see, by a lookup; an object that exists but lies outside what the
# user may see is 'not found' exactly like a missing one, and the refusal is reported to the
# registered denial hooks (the audit app registers one in its ``ready()``: core imports no
# domain app).

#: ``hook(user, obj, reason)``: ``obj`` exists and the user may not see it.
DenialHook = Callable[[Any, models.Model, str], None]
_DENIAL_HOOKS: list[DenialHook] = []


def register_denial_hook(hook: DenialHook) -> None:
    if hook not in _DENIAL_HOOKS:
        _DENIAL_HOOKS.append(hook)


def denial_reason(user: Any, obj: models.Model) -> str:
    """Why ``user`` may not see ``obj`` (which exists), in Chinese."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "未登录"
    if not getattr(user, "region_path", ""):
        return "账号没有所属区划"
    manager = type(obj)._base_manager
    path_fields = getattr(type(obj)._default_manager.all(), "path_fields", None)
    prefixes = user_prefixes(user)  # the same subtrees visible_to uses, grants included
    if path_fields and manager.filter(region_q(path_fields, prefixes), pk=obj.pk).exists():
        return "不在本人的部门或机构范围"
    return "不在本人辖区"


def report_denied(user: Any, model: type[models.Model], *, reason: str = "",
                  on_denied: DenialHook | None = None, **lookup: Any) -> bool:
    """After a lookup found nothing the user may see: when the object exists and is not
    visible to the user, tell the denial hooks (and ``on_denied``); ``True`` if it did."""
    if not lookup:
        return False
    obj = model._base_manager.filter(**lookup).first()
    if obj is None:
        return False
    visible_to = getattr(model._default_manager.all(), "visible_to", None)
    if visible_to is not None and visible_to(user).filter(pk=obj.pk).exists():
        return False  # visible, only filtered out by the caller: not a denial
    why = reason or denial_reason(user, obj)
    for hook in list(_DENIAL_HOOKS) + ([on_denied] if on_denied else []):
        hook(user, obj, why)
    return True


def require(actor: Any, region_path: str, permission: str, *, what: str) -> None:
    """A service's check for an object that is not a row of a table's workflow: 404 when
    ``region_path`` lies outside the actor's subtree (like a missing record), then 403 when
    the actor lacks ``permission`` (the app's ``rules`` predicate, the same the page and the
    button ask). The system actor and a superuser pass."""
    from jiuzhu.core.errors import ErrorCode, ServiceError

    if sees_everything(actor):
        return
    if not visible_path(actor, region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, _("%(what)s不存在") % {"what": what})
    if not actor.has_perm(permission):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能办理此事项"))


def not_visible(user: Any, model: type[models.Model], message: str = "",
                **lookup: Any) -> Exception:
    """The 'not found' to raise when a selector's lookup of ``model`` found nothing; reports
    the denial first when the object exists elsewhere: ``raise not_visible(user, Household,
    "家庭不存在", pk=pk)``."""
    from jiuzhu.core.errors import ErrorCode, ServiceError

    report_denied(user, model, **lookup)
    return ServiceError(ErrorCode.NOT_FOUND, message or _("不存在"))


def get_visible(model: Any, user: Any, *, on_denied: DenialHook | None = None,
                message: str = "", **lookup: Any) -> Any:
    """The one object of ``model`` (a model or a queryset of it) matching ``lookup`` that
    ``user`` may see; otherwise ``ServiceError(NOT_FOUND)``, after reporting a denial when
    the object exists but is not visible to the user."""
    from jiuzhu.core.errors import ErrorCode, ServiceError

    qs = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    visible = qs.visible_to(user) if hasattr(qs, "visible_to") else qs
    obj = visible.filter(**lookup).first()
    if obj is None:
        report_denied(user, qs.model, on_denied=on_denied, **lookup)
        raise ServiceError(ErrorCode.NOT_FOUND, message or _("不存在"))
    return obj
