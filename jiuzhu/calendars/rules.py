"""Permissions of the calendar: everyone logged in may read it; only an administrator
(系统管理员) or a superuser may change a day."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role


@rules.predicate
def is_calendar_editor(user) -> bool:
    return bool(user.is_authenticated
                and (user.is_superuser or getattr(user, "role", None) == Role.ADMINISTRATOR))


rules.add_perm("calendars.change_calendarday", is_calendar_editor)
