from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of 00-system.md (岗位)."""

    WINDOW_WORKER = "window_worker", _("全科社工（窗口）")
    VILLAGE_ASSISTANT = "village_assistant", _("村居协理员")
    GRID_WORKER = "grid_worker", _("网格员")
    INVESTIGATOR = "investigator", _("调查员")
    VERIFICATION_OFFICER = "verification_officer", _("核对员")
    TOWNSHIP_REVIEWER = "township_reviewer", _("乡镇审核人")
    COUNTY_APPROVER = "county_approver", _("县级审批人")
    DEPARTMENT_OFFICER = "department_officer", _("部门经办人")
    SUPERVISOR = "supervisor", _("领导（督办）")
    ADMINISTRATOR = "administrator", _("系统管理员")


# Roles that may register and edit households in their subtree.
HOUSEHOLD_EDITORS = frozenset({
    Role.WINDOW_WORKER, Role.VILLAGE_ASSISTANT, Role.GRID_WORKER, Role.ADMINISTRATOR,
})
# Roles that may import households from Excel.
HOUSEHOLD_IMPORTERS = frozenset({Role.WINDOW_WORKER, Role.ADMINISTRATOR})
# Roles that may read the audit log (of their subtree).
AUDIT_READERS = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})
