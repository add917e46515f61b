"""Sign-in delays instead of a lockout (issue #14 item 6).

Every failed sign-in is a :class:`~jiuzhu.accounts.models.LoginFailure` (user name, address,
time). After ``LOGIN_FREE_FAILURES`` failures of one user name since its last sign-in, the
next attempt for that name must wait 2^(n-3) seconds after the last failure — at most
``LOGIN_DELAY_MAX_SECONDS`` from an address that itself failed for that name (the
attacker's), at most ``LOGIN_DELAY_OTHER_SECONDS`` from any other address: whoever guesses
the approver's password slows only himself down and cannot lock the approver out. One
address is counted likewise over all names (after ``LOGIN_FREE_FAILURES_PER_IP`` failures
within the hour), so one machine cannot try many names quickly. An attempt refused for a
delay checks no password and is not a failure (the delay does not grow by waiting badly)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from .models import LoginFailure, User

#: An address's failures over all names count this far back.
IP_WINDOW = timedelta(hours=1)


def normalise(username: str) -> str:
    return (username or "").strip().lower()


def _delay(failures: int, free: int, cap: int) -> float:
    if failures < free:
        return 0.0
    return float(min(2 ** (failures - free), cap))


def login_wait(*, username: str, ip: str | None, now: datetime | None = None) -> int:
    """Seconds this attempt must still wait (0: it may try now)."""
    now = now or timezone.now()
    name = normalise(username)
    since = now - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    last_login = (User.objects.filter(username__iexact=name)
                  .values_list("last_login", flat=True).first())
    if last_login and last_login > since:
        since = last_login
    waits = [0.0]
    by_name = LoginFailure.objects.filter(username=name, at__gt=since)
    named = by_name.aggregate(n=Count("id"), last=Max("at"))
    if named["n"]:
        from_here = bool(ip) and by_name.filter(ip=ip).exists()
        cap = settings.LOGIN_DELAY_MAX_SECONDS if from_here else settings.LOGIN_DELAY_OTHER_SECONDS
        delay = _delay(named["n"], settings.LOGIN_FREE_FAILURES, cap)
        waits.append((named["last"] + timedelta(seconds=delay) - now).total_seconds())
    if ip:
        by_ip = LoginFailure.objects.filter(ip=ip, at__gt=now - IP_WINDOW).aggregate(
            n=Count("id"), last=Max("at"))
        if by_ip["n"]:
            delay = _delay(by_ip["n"], settings.LOGIN_FREE_FAILURES_PER_IP,
                           settings.LOGIN_DELAY_MAX_SECONDS)
            waits.append((by_ip["last"] + timedelta(seconds=delay) - now).total_seconds())
    return max(0, math.ceil(max(waits)))


def login_failed(*, username: str, ip: str | None, at: datetime | None = None) -> LoginFailure:
    return LoginFailure.objects.create(username=normalise(username), ip=ip or None,
                                       at=at or timezone.now())


def failures_since(user: User, since: datetime | None) -> list[dict]:
    """The failed sign-ins of ``user``'s name after ``since`` (its previous sign-in; the
    last 30 days when it never signed in), one row per address: ``ip``, ``count``,
    ``first``, ``last``, latest first."""
    floor = timezone.now() - timedelta(days=30)
    rows = (LoginFailure.objects
            .filter(username=normalise(user.username), at__gt=max(since or floor, floor))
            .values("ip").annotate(count=Count("id"), last=Max("at")).order_by("-last"))
    return list(rows)
