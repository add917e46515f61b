"""States and choices of the recipients' periodic self-confirmation (资格认证)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role


class State(models.TextChoices):
    """A confirmation's states (``workflow.py`` moves them)."""

    DUE = "due", _("待认证")
    CONFIRMED = "confirmed", _("已认证（无变化）")
    CHANGE_DECLARED = "change_declared", _("申报变化待审核")
    REVIEWED = "reviewed", _("已核验")
    RETURNED = "returned", _("退回重新认证")
    VISIT_ASSIGNED = "visit_assigned", _("逾期未认证（已派走访）")
    SUSPENDED = "suspended", _("逾期未认证（已暂停发放）")
    CANCELLED = "cancelled", _("随案件结束")


#: waiting for the resident (the one open row of a recipient is in one of these)
OPEN_STATES = (State.DUE, State.RETURNED, State.VISIT_ASSIGNED, State.SUSPENDED)
#: the resident has confirmed (staff may still check the photo)
DONE_STATES = (State.CONFIRMED, State.CHANGE_DECLARED, State.REVIEWED)
#: a recipient has no new confirmation while one of these is still open
UNFINISHED_STATES = (*OPEN_STATES, State.CONFIRMED, State.CHANGE_DECLARED)


class Bucket(models.TextChoices):
    """How the list page groups confirmations (per village): 应认证, 已认证, 逾期未认证."""

    DUE = "due", _("待认证")
    DONE = "done", _("已认证")
    MISSING = "missing", _("逾期未认证")


class ReviewDecision(models.TextChoices):
    """What the township found about a declared change."""

    NO_EFFECT = "no_effect", _("变化不影响救助待遇")
    REASSESS = "reassess", _("需重新核定（转动态复核）")


#: the changes a recipient may declare (field name, label)
CHANGE_FIELDS = (
    ("changed_members", _("家庭成员变化")),
    ("changed_income", _("收入变化")),
    ("changed_assets", _("财产变化")),
    ("changed_address", _("住址变化")),
)

#: the paid items whose recipients confirm (dibao and 特困)
CONFIRMED_ITEMS = ("MZ01", "MZ03")
#: a confirmation opens this many days before its due date
OPEN_BEFORE_DAYS = 30

#: who sees the lists and the confirmations of their region
STAFF_ROLES = (Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER,
               Role.SUPERVISOR, Role.ADMINISTRATOR)
#: who checks a photo and reviews a declared change (the township)
CHECKER_ROLES = (Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER)
#: who edits a county's setting
SETTING_ROLES = (Role.COUNTY_APPROVER, Role.ADMINISTRATOR)
