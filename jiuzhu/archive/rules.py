"""Who may open the electronic archive (电子档案) and download a package: county and
township staff who handle or oversee cases; outside organisations never."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_staff_member

#: 窗口、乡镇审核、县级审批、领导（督办）、系统管理员
ARCHIVE_READERS = (Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER,
                   Role.SUPERVISOR, Role.ADMINISTRATOR)

rules.add_perm("archive.view", is_staff_member & has_role(*ARCHIVE_READERS))
rules.add_perm("archive.download", is_staff_member & has_role(*ARCHIVE_READERS))
