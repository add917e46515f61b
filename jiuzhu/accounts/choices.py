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
    # Outside organisations (40-emergency-social.md "Roles added"): each such user belongs
    # to an organisation as well as a region and sees only what is assigned to it.
    SOCIAL_WORKER = "social_worker", _("社工")
    PROVIDER = "provider", _("志愿者/服务商")
    COORDINATOR = "coordinator", _("第三方调查机构协调员")
    SURVEYOR = "surveyor", _("第三方调查员")
    STATION_KEEPER = "station_keeper", _("爱心驿站站长")


#: Users of an outside organisation (社会力量): never government staff; they see only what a
#: scope of kind ``organisation`` admits (``jiuzhu/core/access.py``).
OUTSIDE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.PROVIDER, Role.COORDINATOR, Role.SURVEYOR,
                           Role.STATION_KEEPER})
#: Government staff (工作人员): every role but the outside ones.
STAFF_ROLES = frozenset(set(Role) - OUTSIDE_ROLES)


class OrganisationKind(models.TextChoices):
    SOCIAL_ORG = "social_org", _("社会组织")
    COMPANY = "company", _("企业")
    LOVE_STATION = "love_station", _("爱心驿站")
    VOLUNTEER_TEAM = "volunteer_team", _("志愿服务队")


# Roles that may register and edit households in their subtree.
HOUSEHOLD_EDITORS = frozenset({
    Role.WINDOW_WORKER, Role.VILLAGE_ASSISTANT, Role.GRID_WORKER, Role.ADMINISTRATOR,
})
# Roles that may import households from Excel.
HOUSEHOLD_IMPORTERS = frozenset({Role.WINDOW_WORKER, Role.ADMINISTRATOR})
# Roles that may see personal data in full (查看完整信息, with a reason, audited) in their
# subtree; everyone else sees ID numbers, phones and bank accounts masked.
PERSONAL_DATA_READERS = frozenset({
    Role.WINDOW_WORKER, Role.VILLAGE_ASSISTANT, Role.GRID_WORKER, Role.INVESTIGATOR,
    Role.VERIFICATION_OFFICER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER,
})
# Roles whose household exports carry full ID numbers and phones (to edit and import again);
# others get masked exports.
FULL_ID_EXPORTERS = HOUSEHOLD_IMPORTERS
# Roles that may read the audit log (of their subtree).
AUDIT_READERS = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})
