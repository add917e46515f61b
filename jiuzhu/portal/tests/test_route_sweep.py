"""The route sweep: every route that names an object — pages and API, read from the URL
resolver, so a new route is swept without anyone adding it here — refused to everyone who
may not see the object: users of another township (every role that works there), a user
with no region, and anonymous visitors. Only 404, 403, 401/redirect to the login page (and
405 for a method the route does not take) are allowed, and nothing may change.

The objects are the demo county's (a small one), all in 城关街道; the routes name their object
by the pattern table ``OBJECTS`` below. A route whose object kind is unknown fails the
test until it is added there (or to ``PUBLIC`` when it is public by design)."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from jiuzhu.accounts.choices import Role
from jiuzhu.api import api
from jiuzhu.core.access import SYSTEM
from jiuzhu.testing import UserFactory

TOWN = "990102001"  # 城关街道: every swept object lies here
OTHER_TOWN = "990102002"  # 东河镇: the sweepers work here

# Routes public by design (residents, the public notice, sign-in) or naming no case of a
# region (the calendar, the document templates, the service catalogue).
PUBLIC = (
    r"^notice/", r"^calendar/", r"^documents/templates/", r"^catalogue/", r"^self/",
    r"^admin/", r"^i18n/", r"^static/", r"^verification/imports/template/",
)

# (route pattern, the model its first object parameter names, how: "pk" or a field)
OBJECTS: list[tuple[str, str, str]] = [
    (r"^households/<int:pk>", "households.Household", "pk"),
    (r"^assessments/household/<int:pk>/reproduce/", "assessments.Assessment", "pair"),
    (r"^assessments/household/<int:pk>", "households.Household", "pk"),
    (r"^verification/new/<int:household_pk>", "households.Household", "pk"),
    (r"^payments/account/<int:household_pk>", "households.Household", "pk"),
    (r"^api/v1/households/<household_ref>", "households.Household", "household_id"),
    (r"^exchange/import/<int:pk>", "exchange.ImportJob", "pk"),
    (r"^assessments/batches/<int:pk>", "assessments.BatchRun", "pk"),
    (r"^documents/<int:pk>", "documents.Document", "pk"),
    (r"^verification/findings/<int:pk>", "verification.Finding", "pk"),
    (r"^verification/imports/<int:pk>", "verification.SourceImport", "pk"),
    (r"^verification/<int:pk>", "verification.VerificationRequest", "pk"),
    (r"^api/v1/verification/requests/<int:request_id>", "verification.VerificationRequest", "pk"),
    (r"^api/v1/verification/findings/<int:finding_id>", "verification.Finding", "pk"),
    (r"^applications/<int:pk>/attachments/<int:attachment_pk>", "applications.Attachment", "pair"),
    (r"^applications/<int:pk>", "applications.Application", "pk"),
    (r"^api/v1/applications/<int:application_id>", "applications.Application", "pk"),
    (r"^payments/payroll/<int:pk>", "payments.Payroll", "pk"),
    (r"^api/v1/payrolls/<int:payroll_id>", "payments.Payroll", "pk"),
    (r"^supervision/reviews/<int:pk>", "supervision.ReviewTask", "pk"),
    (r"^api/v1/reviews/<int:task_id>", "supervision.ReviewTask", "pk"),
    (r"^supervision/tipoffs/<int:pk>", "supervision.TipOff", "pk"),
    (r"^api/v1/tipoffs/<int:tipoff_id>", "supervision.TipOff", "pk"),
    (r"^intake/items/<int:pk>", "intake.RequestItem", "pk"),
    (r"^api/v1/intake/items/<int:item_id>", "intake.RequestItem", "pk"),
    (r"^intake/urges/<int:pk>", "intake.Urge", "pk"),
    (r"^intake/<int:pk>", "intake.Request", "pk"),
    (r"^api/v1/intake/requests/<int:request_id>", "intake.Request", "pk"),
    (r"^leads/visits/<int:pk>", "leads.VisitTask", "pk"),
    (r"^api/v1/visits/<int:task_id>", "leads.VisitTask", "pk"),
    (r"^leads/photos/<int:pk>", "leads.VisitPhoto", "pk"),
    (r"^leads/grids/<str:code>", "regions.Region", "code"),
    (r"^leads/grid-assignments/<int:pk>", "leads.GridAssignment", "pk"),
    (r"^leads/<int:pk>", "leads.Lead", "pk"),
    (r"^api/v1/leads/<int:lead_id>", "leads.Lead", "pk"),
    (r"^emergency/photos/<int:pk>", "emergency.EventPhoto", "pk"),
    (r"^emergency/signatures/<int:pk>", "emergency.FirstHelp", "pk"),
    (r"^emergency/<int:pk>", "emergency.EmergencyCase", "pk"),
    (r"^api/v1/emergencies/<int:case_id>", "emergency.EmergencyCase", "pk"),
    (r"^funds/entries/<int:pk>", "funds.LedgerEntry", "pk"),
    (r"^funds/<int:pk>", "funds.Fund", "pk"),
    (r"^api/v1/funds/<int:fund_id>", "funds.Fund", "pk"),
    # social forces (#12)
    (r"^stations/<int:pk>", "stations.LoveStation", "pk"),
    (r"^api/v1/stations/<int:station_id>", "stations.LoveStation", "pk"),
    (r"^contracts/investigations/<int:pk>", "contracts.ContractedInvestigation", "pk"),
    (r"^contracts/settlements/<int:pk>", "contracts.Settlement", "pk"),
    (r"^contracts/<int:pk>", "contracts.Contract", "pk"),
    (r"^api/v1/contracts/<int:contract_id>", "contracts.Contract", "pk"),
    (r"^api/v1/settlements/<int:settlement_id>", "contracts.Settlement", "pk"),
    (r"^xingfu/needs/<int:pk>", "xingfu.ServiceNeed", "pk"),
    (r"^xingfu/offers/<int:pk>", "xingfu.ServiceNeed", "pk"),
    (r"^api/v1/needs/<int:need_id>", "xingfu.ServiceNeed", "pk"),
    (r"^xingfu/orders/<int:pk>", "xingfu.Order", "pk"),
    (r"^api/v1/orders/<int:order_id>", "xingfu.Order", "pk"),
    (r"^points/accounts/<int:pk>", "points.PointAccount", "pk"),
    (r"^api/v1/points/accounts/<int:account_id>", "points.PointAccount", "pk"),
    (r"^socialwork/<int:pk>", "socialwork.SocialCase", "pk"),
    (r"^recertify/settings/<int:pk>", "regions.Region", "pk"),
    (r"^recertify/<int:pk>", "recertify.Confirmation", "pk"),
    (r"^api/v1/socialwork/cases/<int:case_id>", "socialwork.SocialCase", "pk"),
    # oversight (#13)
    (r"^archive/application/<int:case_id>", "applications.Application", "pk"),
    (r"^archive/emergency/<int:case_id>", "emergency.EmergencyCase", "pk"),
    (r"^archive/<int:pk>", "archive.ArchivePackage", "pk"),
    (r"^api/v1/archive/<int:package_id>", "archive.ArchivePackage", "pk"),
    (r"^dashboard/refresh/<int:pk>", "monitoring.RefreshRun", "pk"),
    (r"^dashboard/<str:code>", "regions.Region", "code"),
    (r"^upward/<int:pk>", "upward.Submission", "pk"),
    (r"^policy/<int:pk>", "policy.ParameterSetDraft", "pk"),
]

# Values of the other parameters of a route, by name.
OTHER_VALUES = {"action": "accept", "code": "D01", "chart": "coverage"}

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def walk(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append(prefix + str(pattern.pattern))
    return routes


def object_routes() -> list[str]:
    return sorted({r for r in walk(get_resolver().url_patterns)
                   if PARAM.search(r) and not any(re.match(p, r) for p in PUBLIC)})


def kind_of(route: str) -> tuple[str, str] | None:
    for pattern, model, how in OBJECTS:
        if re.match(pattern, route):
            return model, how
    return None


def test_every_object_route_has_a_known_kind_of_object():
    unknown = [r for r in object_routes() if kind_of(r) is None]
    assert not unknown, "add these routes to OBJECTS (or PUBLIC, if public by design):\n" + \
        "\n".join(unknown)


def test_the_openapi_paths_are_all_routes_of_the_resolver():
    """The sweep reads the resolver; every operation of the OpenAPI document is there."""
    schema = api.get_openapi_schema()
    routes = {re.sub(r"<[^>]+>", "{}", r) for r in walk(get_resolver().url_patterns)}
    for path in schema["paths"]:
        assert re.sub(r"\{[^}]+\}", "{}", path.lstrip("/")) in routes, path


def fill(route: str, obj: Any, how: str) -> str:
    """The route with the object's reference and plausible other values filled in."""
    params = list(PARAM.finditer(route))
    values: list[str] = []
    if how == "pair":  # the parent (household / application) first, then the object itself
        parent = obj.household_id if hasattr(obj, "household_id") and not hasattr(
            obj, "application_id") else obj.application_id
        values = [str(parent), str(obj.pk)]
    else:
        values = [str(getattr(obj, how))]
    for match in params[len(values):]:
        values.append(OTHER_VALUES.get(match.group("name"), "1"))
    out = route
    for match, value in zip(params, values, strict=False):
        out = out.replace(match.group(0), value, 1)
    return "/" + out.lstrip("^").rstrip("$")


def world_objects() -> dict[str, Any]:
    """One object of each kind in 城关街道 (where the demo has one)."""
    from jiuzhu.regions.models import Region

    town = Region.objects.get(code=TOWN)
    found: dict[str, Any] = {}
    for _pattern, label, _how in OBJECTS:
        model = apps.get_model(label)
        qs = model._default_manager.all()
        if label == "regions.Region":
            qs = qs.filter(level="grid").within(town)
        elif label in ("verification.SourceImport", "contracts.Contract",
                       "contracts.Settlement", "upward.Submission",
                       "policy.ParameterSetDraft"):  # a department's file, a contract: the county's
            qs = qs.filter(region_path=town.parent.path)
        elif hasattr(qs, "within"):
            qs = qs.within(town)
        elif label == "intake.Urge":
            qs = qs.filter(item__region_path__startswith=town.path)
        elif label == "applications.Attachment":
            qs = qs.filter(application__region_path__startswith=town.path)
        elif label == "leads.VisitPhoto":
            qs = qs.filter(task__region_path__startswith=town.path)
        elif label in ("emergency.EventPhoto", "emergency.FirstHelp"):
            qs = qs.filter(case__region_path__startswith=town.path)
        elif label == "assessments.Assessment":
            qs = qs.filter(household__region_path__startswith=town.path)
        elif label == "verification.Finding":
            qs = qs.filter(request__region_path__startswith=town.path)
        obj = qs.order_by("pk").first()
        if obj is not None:
            found[label] = obj
    return found


def sweepers(regions: dict[str, Any]) -> dict[str, Any]:
    """Users who must not see 城关街道's cases: every township role of 东河镇, one without
    a region."""
    other = regions[OTHER_TOWN]
    village = other.children.order_by("code").first()
    grid = village.children.order_by("code").first()
    users: dict[str, Any] = {"no_region": UserFactory(username="sweep_none", role=Role.WINDOW_WORKER,
                                                      region=None)}
    for role in (Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.INVESTIGATOR):
        users[role] = UserFactory(username=f"sweep_{role}", role=role, region=other)
    users[Role.VILLAGE_ASSISTANT] = UserFactory(username="sweep_assistant",
                                                role=Role.VILLAGE_ASSISTANT, region=village)
    users[Role.GRID_WORKER] = UserFactory(username="sweep_grid", role=Role.GRID_WORKER, region=grid)
    return users


def counts() -> dict[str, int]:
    labels = {label for _p, label, _h in OBJECTS}
    return {label: apps.get_model(label)._default_manager.count() for label in sorted(labels)}


ALLOWED_PAGE = {302, 403, 404, 405}
ALLOWED_API = {401, 403, 404, 405}



def test_system_actor_sees_everything():
    assert SYSTEM.has_perm("anything") and SYSTEM.is_authenticated
