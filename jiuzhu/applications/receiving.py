"""Who receives what (保障对象): the one place that says which cases count as receiving a
programme — today, in a past month, and with how much money. Used by the dashboard, the
月报, the exchange file, the monitoring circle (碑林) and the recipients API
(docs/design/monitoring.md, "Who receives what").

Programmes (50-api.md, "Programme names in reports")
----------------------------------------------------
========== ================================= =============================================
code        items                             rule
========== ================================= =============================================
urban_dibao MZ01 低保, household ``area_type``  the registry's 城乡类别 of the household
            = ``urban``                       (``households.Household.area_type``) — the
                                              same field the rules engine reads to choose
                                              the urban or rural standard (``rules``:
                                              ``area_type == "rural"``), so a household is
                                              counted under the standard it was assessed
                                              by. Not the village's kind: a 社区 may hold
                                              rural-registered households and vice versa.
rural_dibao MZ01, ``area_type`` = ``rural``     (anything not urban counts as rural)
tekun       MZ03 特困人员救助供养                 concentrated / dispersed (集中/分散供养) is
                                              not recorded in the registry yet: no
                                              ``tekun_kind`` annotation
low_income  MZ02 低保边缘家庭（低收入）认定      a recognition, no money
temporary   MZ04 临时救助, MZ05 急难型临时救助    paid once
========== ================================= =============================================

MZ06 (刚性支出困难家庭认定) is not a reported programme: ``programme`` is ``""`` for it
and the functions below leave it out.

Receiving, by kind of programme
-------------------------------
- **Monthly** (dibao, tekun): the case is ``approved`` (paid from its start month) or
  ``in_payment`` — a phase-out (渐退, ``supervision.PhaseOut`` not ended) is still
  receiving until its last month (``until``); ``suspended`` (暂停发放) and ``stopped`` (停发)
  are not receiving. Payments exist per month (``payments.Payment``), only for confirmed
  payrolls counted as paid.
- **One-off** (temporary): receiving in the month it is paid (its ``start_month``: the
  decision's month, or the next one when that month's payroll was already confirmed).
- **Recognition** (low_income): ``approved`` and not expired (``valid_until`` empty or not
  past); a stopped recognition no longer counts from the day it was stopped.

``applications`` sits below ``payments`` and ``supervision``: this module imports neither.
Payments are read through ``django.apps.apps.get_model("payments", "Payment")`` and the
phase-out through the reverse relation ``phase_out`` (a lookup, not an import).

Every function returns a queryset (a list and its count are one query each), typed
``QuerySet[Any]`` so that mypy accepts the annotations (``row.programme``). A region is
applied by ``visible_to(user)`` (what the user may see) and/or ``.within(region)`` (the
region chosen on a page).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.households.models import Household

from .choices import State
from .models import Application, ApplicationStep

URBAN_DIBAO = "urban_dibao"
RURAL_DIBAO = "rural_dibao"
TEKUN = "tekun"
LOW_INCOME = "low_income"
TEMPORARY = "temporary"

#: The programme codes of 50-api.md, in report order.
PROGRAMMES = (URBAN_DIBAO, RURAL_DIBAO, TEKUN, LOW_INCOME, TEMPORARY)
#: Chinese names for pages, Excel and PDF.
PROGRAMME_LABELS = {
    URBAN_DIBAO: _("城市低保"),
    RURAL_DIBAO: _("农村低保"),
    TEKUN: _("特困供养"),
    LOW_INCOME: _("低收入人口"),
    TEMPORARY: _("临时救助"),
}
#: Paid every month / paid once / recognised without money.
MONTHLY_PROGRAMMES = (URBAN_DIBAO, RURAL_DIBAO, TEKUN)
ONE_OFF_PROGRAMMES = (TEMPORARY,)
RECOGNITION_PROGRAMMES = (LOW_INCOME,)
#: Circle 1 of the monitoring circle (碑林): dibao or special hardship.
DIBAO_AND_TEKUN = (URBAN_DIBAO, RURAL_DIBAO, TEKUN)

_ITEMS = {
    "MZ01": None,  # urban or rural: by the household's area_type
    "MZ03": TEKUN,
    "MZ02": LOW_INCOME,
    "MZ04": TEMPORARY,
    "MZ05": TEMPORARY,
}

#: A confirmed payroll is final (payments.choices.PayrollStatus.CONFIRMED).
_CONFIRMED = "confirmed"


def programme_of(application: Application) -> str:
    """The programme code of ``application`` (``""`` for an item no report counts)."""
    if application.item_code not in _ITEMS:
        return ""
    if application.item_code == "MZ01":
        return URBAN_DIBAO if application.household.area_type == "urban" else RURAL_DIBAO
    return _ITEMS[application.item_code] or ""


def programme_label(code: str) -> str:
    return str(PROGRAMME_LABELS.get(code, ""))


def programme_expr(prefix: str = "") -> Case:
    """``programme_of`` as SQL (a ``Case``/``When`` to annotate). ``prefix`` is the path to
    the application from the queried model, e.g. ``"application__"`` on payments."""
    item, area = f"{prefix}item_code", f"{prefix}household__area_type"
    return Case(
        When(Q(**{item: "MZ01", area: "urban"}), then=Value(URBAN_DIBAO)),
        When(Q(**{item: "MZ01"}), then=Value(RURAL_DIBAO)),
        When(Q(**{item: "MZ03"}), then=Value(TEKUN)),
        When(Q(**{item: "MZ02"}), then=Value(LOW_INCOME)),
        When(Q(**{f"{item}__in": ["MZ04", "MZ05"]}), then=Value(TEMPORARY)),
        default=Value(""), output_field=CharField())


def _month(day: date) -> date:
    return day.replace(day=1)


def _month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _scoped(qs: QuerySet[Any], user: Any, region: Any) -> QuerySet[Any]:
    if user is not None:
        qs = qs.visible_to(user)  # type: ignore[attr-defined]
    if region is not None:
        qs = qs.within(region)  # type: ignore[attr-defined]
    return qs


def _payment_model() -> Any:
    return apps.get_model("payments", "Payment")


def receiving_now(qs: QuerySet[Application] | None = None, *, today: date | None = None,
                  user: Any = None, region: Any = None) -> QuerySet[Any]:
    """The cases receiving today (see the module's rules), annotated ``programme`` and
    ``phasing_out`` (a phase-out running). ``qs`` narrows the cases (default: all)."""
    today = today or timezone.localdate()
    month = _month(today)
    qs = _scoped(Application.objects.all() if qs is None else qs, user, region)
    monthly = Q(item_code__in=["MZ01", "MZ03"], state__in=[State.APPROVED, State.IN_PAYMENT]) & ~Q(
        phase_out__ended=False, phase_out__until__lt=month)
    one_off = Q(item_code__in=["MZ04", "MZ05"], state__in=[State.APPROVED, State.IN_PAYMENT],
                start_month=month)
    recognition = Q(item_code="MZ02", state__in=[State.APPROVED, State.IN_PAYMENT]) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return (qs.filter(monthly | one_off | recognition)
            .annotate(programme=programme_expr(),
                      phasing_out=Case(When(phase_out__ended=False, then=Value(True)),
                                       default=Value(False), output_field=BooleanField())))


def paid_in(month: date, *, user: Any = None, region: Any = None,
            confirmed_only: bool = True, through: date | None = None) -> QuerySet[Any]:
    """The payments (``payments.Payment``) of ``month`` (to ``through``'s month when given)
    — the money truth of a past month — annotated ``programme``, ``household_id``,
    ``item_code``; ``amount`` is the payment's. Only payments of confirmed payrolls unless
    ``confirmed_only=False`` (a draft list may still change)."""
    from django.db.models import F

    qs = _payment_model().objects.filter(month__gte=_month(month),
                                         month__lte=_month(through or month))
    if confirmed_only:
        qs = qs.filter(payroll__status=_CONFIRMED)
    return (_scoped(qs, user, region)
            .annotate(programme=programme_expr("application__"),
                      household_id=F("application__household_id"),
                      item_code=F("application__item_code")))


def _stopped_at() -> Subquery:
    return Subquery(ApplicationStep.objects.filter(application=OuterRef("pk"),
                                                   to_state=State.STOPPED)
                    .order_by("at").values("at")[:1])


def recipients_in(month: date, *, user: Any = None, region: Any = None,
                  confirmed_only: bool = True) -> QuerySet[Any]:
    """The recipient cases of ``month``: every case with a payment that month (monthly and
    one-off programmes; ``paid_in``'s rule for confirmed payrolls) and the low-income
    recognitions valid in that month (decided by its last day, not expired before its
    first, not stopped before it began). Annotated ``programme`` and ``amount`` (the
    month's payment; ``None`` for a recognition)."""
    month = _month(month)
    first, last = month, _month_end(month)
    payments = _payment_model().objects.filter(application=OuterRef("pk"), month=month)
    if confirmed_only:
        payments = payments.filter(payroll__status=_CONFIRMED)
    paid = Exists(payments)
    recognised = (Q(item_code="MZ02", decided_at__date__lte=last,
                    state__in=[State.APPROVED, State.IN_PAYMENT, State.SUSPENDED, State.STOPPED])
                  & (Q(valid_until__isnull=True) | Q(valid_until__gte=first))
                  & (Q(stopped_at__isnull=True) | Q(stopped_at__date__gte=first)))
    qs = _scoped(Application.objects.all(), user, region)
    return (qs.annotate(stopped_at=_stopped_at(), paid=paid)
            .filter(Q(paid=True, item_code__in=["MZ01", "MZ03", "MZ04", "MZ05"]) | recognised)
            .annotate(programme=programme_expr(),
                      amount=Subquery(payments.values("amount")[:1])))


def receiving_household_ids(programmes: Iterable[str], *, today: date | None = None,
                            region: Any = None) -> QuerySet[Any]:
    """The ids (``households.Household.pk``) of the households receiving one of
    ``programmes`` today (``receiving_now``), for ``household_id__in=…`` — the monitoring
    circle's hook (``assessments.prescription.register_receiving_households``).
    ``region``: of the households living there only (the subquery stays small)."""
    return (households_receiving(region, today=today)
            .filter(**{"programme__in": list(programmes)})
            .values_list("household_id", flat=True).distinct())


def households_receiving(region: Any = None, *, today: date | None = None) -> QuerySet[Any]:
    """``receiving_now`` of the households living in ``region`` now (the household's
    region, not the case's: a household that moved counts where it lives); all without."""
    qs = Application.objects.all()
    if region is not None:
        qs = qs.filter(household__in=Household.objects.within(region).values("pk"))
    return receiving_now(qs, today=today)
