"""Background work of 幸福云: roll the offers nobody answered in 24 hours (the daily job
runs it too, and every read of a need rolls it lazily)."""

from __future__ import annotations

from django_tasks import task


def roll_offers_now() -> int:
    from .workflow import roll_expired

    return roll_expired()


@task()
def roll_offers() -> int:
    """Roll every expired round of offers (enqueue it hourly from a scheduler)."""
    return roll_offers_now()
