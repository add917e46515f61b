"""Demo supervision (动态管理与日常监管) of the demo county: the review tasks the approvals
scheduled (one of them overdue: a class C family approved months ago), one review done,
and tip-offs in several states — one being checked with an interview, one whose case was
suspended, one closed as unfounded. Through ``supervision.services`` by the demo
supervisor (the township reviewer runs the review). Idempotent: a case that has a tip-off
or a done review is left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household

from .choices import Closure, TaskStatus, TipOffSource
from .models import ReviewTask, TipOff


def _case(household: Household | None, *states: str) -> Application | None:
    if household is None:
        return None
    return (Application.objects.filter(household=household, state__in=states)
            .order_by("pk").first())


def load_reviews_demo(families: dict[str, Household]) -> int:
    """Every paid case has its review task (its approval scheduled it); the family
    ``donghe_paid`` is reviewed once (its next review is then scheduled)."""
    from .services import review_run

    case = _case(families.get("donghe_paid"), State.IN_PAYMENT)
    if case is None or ReviewTask.objects.filter(application=case, status=TaskStatus.DONE).exists():
        return 0
    task = ReviewTask.objects.filter(application=case, status=TaskStatus.OPEN).first()
    if task is None:
        return 0
    review_run(actor=demo_user("approver1") or SYSTEM, task=task)
    return 1


def load_tipoffs_demo(families: dict[str, Household]) -> int:
    """Three tip-offs: open with an interview, one that suspended its case, one closed."""
    from .services import tipoff_close, tipoff_interview, tipoff_record, tipoff_suspend

    actor: Any = demo_user("supervisor1") or SYSTEM
    today = timezone.localdate()
    created = 0

    def record(key: str, source: str, content: str, days_ago: int) -> tuple[Any, Any]:
        nonlocal created
        household = families.get(key)
        case = _case(household, State.IN_PAYMENT, State.APPROVED, State.SUSPENDED)
        if household is None or case is None or TipOff.objects.filter(household=household).exists():
            return None, None
        created += 1
        return tipoff_record(actor=actor, household=household, source=source, content=content,
                             received_on=today - timedelta(days=days_ago), application=case), case

    tip_off, _case_ = record("paid", TipOffSource.PHONE,
                             "群众来电反映该户家中新购置了小轿车，生活条件明显改善。", 5)
    if tip_off is not None:
        tipoff_interview(actor=actor, tip_off=tip_off, reason="核实举报反映的车辆情况",
                         scheduled_at=f"{today + timedelta(days=3):%Y-%m-%d} 09:30",
                         place="城关街道社会救助服务窗口")
    tip_off, case = record("suspended", TipOffSource.LETTER,
                           "来信反映该户户主长期在外地务工，收入稳定，不符合低保条件。", 12)
    if tip_off is not None and case.state == State.IN_PAYMENT:
        tipoff_suspend(actor=actor, tip_off=tip_off,
                       reasons="举报反映户主在外务工收入稳定，核查期间暂停发放",
                       requirements="请于 15 日内提供务工收入证明和银行流水", today=today)
    tip_off, _case_ = record("donghe_paid", TipOffSource.ONLINE,
                             "网上反映该户子女有经商收入，要求核查。", 30)
    if tip_off is not None:
        tipoff_close(actor=actor, tip_off=tip_off, decision=Closure.NONE,
                     summary="经入户调查、邻里走访和经济状况核对，子女另立户且无赡养能力",
                     findings="举报不实，维持原救助待遇", today=today)
    return created


def load_supervision_demo(families: dict[str, Household]) -> dict[str, int]:
    return {"reviews_done": load_reviews_demo(families),
            "tipoffs_added": load_tipoffs_demo(families)}
