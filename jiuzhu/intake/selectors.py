"""Reads of the intake, always within the reader's region subtree (indexed lookups only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.choices import Role
from jiuzhu.core.access import not_visible
from jiuzhu.households.models import Household, Member

from .choices import OPEN_ITEM_STATES, ItemState, RequestStatus, Result
from .models import CoHandler, ItemStep, Request, RequestItem, RequestItemQuerySet, Urge
from .services import ACTION_LABELS

SEARCH_LIMIT = 20
# Application states in which a family is being helped or still waiting for a decision.
APPLICATION_RECEIVING = ("submitted", "awaiting_supplement", "accepted", "appraisal", "opinion",
                         "notice", "decision", "approved", "in_payment", "suspended")


def mask_name(name: str) -> str:
    """张*丰 — first and last character kept; a two-character name keeps the first (张*)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def requests_visible_to(user: Any) -> QuerySet[Request]:
    return Request.objects.visible_to(user).select_related("household", "region")


def items_visible_to(user: Any) -> RequestItemQuerySet:
    return RequestItem.objects.visible_to(user)


def _item_prefetches() -> list[Any]:
    return [Prefetch("cohandlers", queryset=CoHandler.objects.order_by("id")),
            Prefetch("steps", queryset=ItemStep.objects.order_by("at", "id")),
            Prefetch("urges", queryset=Urge.objects.order_by("-at", "-id"))]


def request_get(*, user: Any, pk: int) -> Request:
    """A request with its items, their steps, co-handlers, urges and applications; another
    township's request is 'not found', like a missing one."""
    request = (requests_visible_to(user)
               .prefetch_related(Prefetch("items", queryset=RequestItem.objects
                                          .select_related("application", "item__department")
                                          .prefetch_related(*_item_prefetches())),
                                 "files")
               .filter(pk=pk).first())
    if request is None:
        raise not_visible(user, Request, _("受理单不存在"), pk=pk)
    return request


def item_get(*, user: Any, pk: int) -> RequestItem:
    item = (items_visible_to(user).select_related("request", "application", "item__department")
            .prefetch_related(*_item_prefetches()).filter(pk=pk).first())
    if item is None:
        raise not_visible(user, RequestItem, _("事项不存在"), pk=pk)
    return item


# --- household search for the window ------------------------------------------------------

def _prefix(field: str, q: str) -> Q:
    """``field`` starts with ``q`` as an indexed range (works with any index, any database)."""
    return Q(**{f"{field}__gte": q, f"{field}__lt": q + "\U0010ffff"})


def household_find(*, user: Any, q: str, limit: int = SEARCH_LIMIT) -> list[Household]:
    """Households by ID number (exact), household number (exact), a member's or the head's
    name (prefix) — each an indexed lookup — and by address only when nothing else matched.
    At most ``limit`` rows, in the user's subtree, active only."""
    q = (q or "").strip()
    if not q:
        return []
    base = Household.objects.visible_to(user).filter(status="active").select_related("region")
    if len(q) == 18 and q[:17].isdigit():
        exact = list(Member.objects.filter(id_number=q.upper()).values_list("household_id", flat=True)[:limit])
        return list(base.filter(pk__in=exact).order_by("household_id")[:limit])
    ids = set(Member.objects.filter(_prefix("name", q)).values_list("household_id", flat=True)[:limit * 5])
    rows = list(base.filter(Q(pk__in=ids) | Q(household_id=q) | _prefix("head_name", q))
                .order_by("household_id")[:limit])
    if not rows and len(q) >= 2:
        rows = list(base.filter(address__contains=q).order_by("household_id")[:limit])
    return rows


# --- lists --------------------------------------------------------------------------------

def window_queue(user: Any) -> QuerySet[Request]:
    """Online requests awaiting the window first, then the open requests of the township."""
    order = Case(When(status=RequestStatus.AWAITING_WINDOW, then=Value(0)), default=Value(1),
                 output_field=IntegerField())
    return (requests_visible_to(user)
            .filter(status__in=[RequestStatus.AWAITING_WINDOW, RequestStatus.OPEN])
            .annotate(queue_order=order).order_by("queue_order", "-created_at", "-id"))


def officer_inbox(user: Any) -> QuerySet[RequestItem]:
    """The open items of the officer's department (lead, or assisting and not yet finished
    by it) in the officer's region; red first, then yellow, then by due date."""
    qs = items_visible_to(user).filter(state__in=OPEN_ITEM_STATES)
    department = getattr(user, "department", "")
    if not (user.is_superuser or user.role == Role.ADMINISTRATOR) or department:
        if not department:
            return qs.none()
        # Assisting shares are few: read their ids first, so that the usual case is one
        # indexed lookup on (department_code, state) rather than an OR the index cannot serve.
        assisting = list(CoHandler.objects.filter(department_code=department, finished=False)
                         .values_list("item_id", flat=True)[:1000])
        qs = qs.filter(Q(department_code=department) | Q(pk__in=assisting)) if assisting \
            else qs.filter(department_code=department)
    # The page's requests and households are fetched by their ids (prefetch), not joined:
    # a join lets PostgreSQL read the whole request table for a department with many items.
    return _alert_order(qs.select_related("item__department")
                        .prefetch_related("request", "request__household", "cohandlers", "urges",
                                          Prefetch("urges", queryset=Urge.objects.filter(
                                              acknowledged_at__isnull=True).order_by("-at"),
                                              to_attr="open_urges")))


def _alert_order(qs: RequestItemQuerySet) -> RequestItemQuerySet:
    """Today's colour (computed, not stored), red first, then yellow, then by due date."""
    return qs.with_alert().order_by("alert_rank", "due_date", "id")


def overdue_items(user: Any) -> QuerySet[RequestItem]:
    """Supervisors: open department items with a yellow or red alert in their region."""
    qs = items_visible_to(user).filter(state__in=OPEN_ITEM_STATES).with_alert() \
        .filter(alert__in=["yellow", "red"])
    return _alert_order(qs.select_related("request", "request__household", "item__department")
                        .prefetch_related("cohandlers", "urges"))


def paged(qs: QuerySet, number: Any, size: int) -> tuple[Any, list[Any]]:
    """One page of ``qs``: the ids are sorted and cut on the narrow table alone, then only
    the page's rows are read with their joins and prefetches (order kept)."""
    from django.core.paginator import Paginator

    page = Paginator(qs.values_list("pk", flat=True), size).get_page(number)
    ids = list(page.object_list)
    by_pk = {row.pk: row for row in qs.model._base_manager.none()} if not ids else {
        row.pk: row for row in qs.order_by().filter(pk__in=ids)}
    return page, [by_pk[pk] for pk in ids if pk in by_pk]


# --- for other apps -------------------------------------------------------------------------

def items_receiving(household: Household) -> set[str]:
    """Catalogue codes the household has an open or granted intake item or a running or
    approved application for (the prescription marks them "receiving")."""
    return {code for _pk, code in receiving_pairs(Household.objects.filter(pk=household.pk))}


def receiving_pairs(households: QuerySet[Household]) -> set[tuple[int, str]]:
    """(household pk, catalogue code) of ``households`` with an open or granted intake item
    or a running or approved application — one household's, or a county's at once (the
    prescription and the county prescription report, through assessments' provider)."""
    from jiuzhu.applications.models import Application

    chosen = households.values("pk")
    pairs = set(RequestItem.objects.filter(household__in=chosen)
                .filter(Q(state__in=OPEN_ITEM_STATES)
                        | Q(state=ItemState.FINISHED, result=Result.GRANTED))
                .values_list("household_id", "item_code"))
    today = timezone.localdate()
    pairs |= set(Application.objects.filter(household__in=chosen,
                                            state__in=APPLICATION_RECEIVING)
                 .exclude(valid_until__lt=today)  # a recognition past its validity (MZ06)
                 .values_list("household_id", "item_code"))
    return pairs


@dataclass(frozen=True)
class PublicStep:
    label: str
    on: date


@dataclass(frozen=True)
class PublicItem:
    code: str
    name: str
    department: str
    state: str
    state_label: str
    due_date: date | None
    result_label: str
    steps: list[PublicStep]
    # 办结期限 / 当前环节 with 暂定, what to bring and by when (``deadlines.ItemDeadline``)
    deadline: Any = None


@dataclass(frozen=True)
class PublicRequest:
    number: str
    query_code: str
    name: str
    received_on: date
    status: str
    status_label: str
    items: list[PublicItem]


PUBLIC_STEPS = ("transfer", "start_internal", "take", "accept", "request_more", "resubmit",
                "finish", "decided", "return", "add_cohandler", "cohandle_finish")


def request_code_of(code: str) -> str | None:
    """One query code per request: the request's own code, or the code of an application
    one of its items started (shown on the application's page) → the request's code. None
    when neither is known (an application started outside the window: see
    :func:`application_by_query_code`)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    if Request.objects.filter(query_code=code).exists():
        return code
    return (RequestItem.objects.filter(application__query_code=code)
            .values_list("request__query_code", flat=True).first())


def application_by_query_code(code: str) -> tuple[PublicRequest, str] | None:
    """The tracking view of an application started outside the window (no request), and
    the ID number of its household's head (who proves it is theirs); None if unknown."""
    from jiuzhu.applications.choices import State as AppState
    from jiuzhu.applications.models import Application
    from jiuzhu.catalogue.selectors import item_in_force
    from jiuzhu.core.errors import ServiceError

    application = (Application.objects.filter(query_code=(code or "").strip().upper())
                   .select_related("household").first())
    if application is None:
        return None
    submitted = timezone.localdate(application.submitted_at)
    try:
        item = item_in_force(application.item_code, submitted)
        name, department = item.name, item.department.name
    except ServiceError:
        name, department = application.item_code, ""
    head = (application.household.members.filter(relation="head").order_by("position").first()
            or application.household.members.order_by("position").first())
    label = str(AppState(application.state).label)
    view = PublicRequest(
        number=application.number, query_code=application.query_code,
        name=mask_name(application.household.head_name), received_on=submitted,
        status=application.state, status_label=label,
        items=[PublicItem(application.item_code, name, department, application.state, label,
                          application.final_due_date or application.due_date, "", [])])
    return view, (head.id_number if head is not None else "")


def request_by_query_code(code: str) -> PublicRequest | None:
    """The resident's tracking view (进度查询): each item's state, due date and steps, with
    the applicant's name masked and nothing else personal. ``None`` for an unknown code.
    The code of an application started by one of the request's items finds the request."""
    code = request_code_of(code) or ""
    if len(code) != 8:
        return None
    request = (Request.objects.filter(query_code=code)
               .prefetch_related(Prefetch("items", queryset=RequestItem.objects
                                          .select_related("application", "item__department")
                                          .prefetch_related(Prefetch(
                                              "steps", queryset=ItemStep.objects.filter(
                                                  action__in=PUBLIC_STEPS).order_by("at", "id")))))
               .first())
    if request is None:
        return None
    from jiuzhu.applications.choices import State as AppState

    from .deadlines import item_deadline

    items = []
    if request.status == RequestStatus.AWAITING_WINDOW:
        from jiuzhu.catalogue.selectors import items_in_force

        by_code = {i.code: i for i in items_in_force(request.received_on)}
        for item_code in request.requested_items:
            entry = by_code.get(item_code)
            items.append(PublicItem(item_code, entry.name if entry else item_code,
                                    entry.department.name if entry else "", "awaiting_window",
                                    str(RequestStatus.AWAITING_WINDOW.label), None, "", []))
    for row in request.items.all():
        if row.application_id and (application := row.application) is not None:
            state = application.state
            label = str(AppState(state).label)
            due = application.due_date
        else:
            state, label, due = row.state, row.get_state_display(), row.due_date
        items.append(PublicItem(
            code=row.item_code, name=row.item_name, department=row.item.department.name,
            state=state, state_label=str(label), due_date=due,
            result_label=row.get_result_display() if row.result else "",
            steps=[PublicStep(ACTION_LABELS.get(s.action, s.action), s.on) for s in row.steps.all()],
            deadline=item_deadline(row)))
    return PublicRequest(number=request.number, query_code=request.query_code,
                         name=mask_name(request.applicant_name), received_on=request.received_on,
                         status=request.status, status_label=request.get_status_display(),
                         items=items)


# --- an online request as the window sees it before taking it -----------------------------

@dataclass(frozen=True)
class DeclaredMember:
    name: str
    id_number: str
    relation: str
    birth_date: str
    health: str
    occupation: str
    income_year: Any  # Decimal 元/年, all kinds together
    income_kinds: str  # "工资性收入 9600.00" …


@dataclass(frozen=True)
class OnlineSummary:
    place: str  # 示范县 城关街道 东门社区
    address: str
    phone: str
    members: list[DeclaredMember]
    income_year: Any
    items: list[tuple[str, str, str]]  # (code, name, department name)


def online_summary(request: Request) -> OnlineSummary:
    """What a resident declared online, in names: the village and its township (not the
    code), the members with their yearly incomes (the resident typed 元/月; selfservice
    stored ×12 in fen), the items by name."""
    from decimal import Decimal

    from jiuzhu.catalogue.selectors import items_in_force
    from jiuzhu.households.choices import INCOME_KINDS, Health, Occupation, Relation
    from jiuzhu.households.models import Member as MemberModel
    from jiuzhu.regions.models import Region

    data = request.household_data or {}
    region = Region.objects.filter(code=str(data.get("region_code") or "")).first()
    if region is not None:
        names = [r.name for r in region.ancestors() if r.level in ("county", "township")]
        place = " ".join([*names, region.name])
    else:
        place = str(data.get("region_code") or "")
    relations, healths = dict(Relation.choices), dict(Health.choices)
    occupations = dict(Occupation.choices)
    kind_labels = {kind: str(getattr(MemberModel._meta.get_field(kind), "verbose_name", kind))
                   for kind in INCOME_KINDS}
    members, total = [], Decimal(0)
    for row in data.get("members") or []:
        income = row.get("income") or {}
        amounts = {k: Decimal(str(v)).quantize(Decimal("0.01")) for k, v in income.items()
                   if k in INCOME_KINDS and v}
        year = sum(amounts.values(), Decimal("0.00"))
        total += year
        members.append(DeclaredMember(
            name=str(row.get("name", "")), id_number=str(row.get("id_number", "")),
            relation=str(relations.get(row.get("relation"), row.get("relation", ""))),
            birth_date=str(row.get("birth_date", "")),
            health=str(healths.get(row.get("health"), "")),
            occupation=str(occupations.get(row.get("occupation"), "")),
            income_year=year,
            income_kinds="、".join(f"{kind_labels[k]} {v:.2f}" for k, v in amounts.items())))
    by_code = {i.code: i for i in items_in_force(request.received_on)}
    items = [(code, by_code[code].name if code in by_code else code,
              by_code[code].department.name if code in by_code else "")
             for code in request.requested_items]
    return OnlineSummary(place=place, address=str(data.get("address", "")),
                         phone=str(data.get("phone", "")), members=members,
                         income_year=total.quantize(Decimal("0.01")), items=items)
