"""Who reads and who closes the 月报 (60-monitoring.md §Monthly statistics)."""

from __future__ import annotations

from jiuzhu.accounts.choices import Role

#: 查看月报: supervisors, county staff, township heads (reviewers) and administrators.
REPORT_READERS = frozenset({Role.SUPERVISOR, Role.COUNTY_APPROVER, Role.TOWNSHIP_REVIEWER,
                            Role.ADMINISTRATOR})
#: 月报关账: county staff (the county approver and the administrator) of a county or above.
REPORT_CLOSERS = frozenset({Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
#: Region levels whose staff may close a month (a county's own or above).
CLOSING_LEVELS = frozenset({"province", "city", "county"})
