"""Choices of 幸福云 (service matching): provider kinds, skills, need and offer states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role


class ProviderKind(models.TextChoices):
    COMPANY = "company", _("服务企业")
    VOLUNTEER = "volunteer", _("志愿者")
    ORGANISATION = "organisation", _("社会组织")


class Skill(models.TextChoices):
    """The skills of 40-emergency-social.md §5."""

    MEALS = "meals", _("助餐")
    CLEANING = "cleaning", _("助洁")
    BATHING = "bathing", _("助浴")
    ESCORT = "escort", _("陪诊")
    REPAIRS = "repairs", _("维修")
    COUNSELLING = "counselling", _("心理疏导")
    LEGAL = "legal", _("法律咨询")
    TUTORING = "tutoring", _("课业辅导")
    SHOPPING = "shopping", _("代购")


class NeedState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OFFERED = "offered", _("待接单")
    ACCEPTED = "accepted", _("已接单")
    IN_SERVICE = "in_service", _("服务中")
    DONE = "done", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    CANCELLED = "cancelled", _("已取消")
    BACK_TO_STAFF = "back_to_staff", _("退回工作人员")


class OfferAnswer(models.TextChoices):
    PENDING = "pending", _("待答复")
    ACCEPTED = "accepted", _("已接单")
    DECLINED = "declined", _("已谢绝")
    EXPIRED = "expired", _("已过期")
    TAKEN = "taken", _("他人已接单")
    WITHDRAWN = "withdrawn", _("已撤回")


#: States in which an order occupies its provider (fewer open orders rank higher).
OPEN_ORDER_STATES = (NeedState.ACCEPTED, NeedState.IN_SERVICE, NeedState.DONE)

#: Offers per round, hours an offer stays open, rounds before the need goes back to staff.
OFFERS_PER_ROUND = 5
OFFER_HOURS = 24
ROUNDS = 2

#: Who posts needs for a family and manages providers (staff of the family's region).
NEED_POSTERS = frozenset({Role.WINDOW_WORKER, Role.VILLAGE_ASSISTANT, Role.GRID_WORKER,
                          Role.SUPERVISOR, Role.ADMINISTRATOR})
PROVIDER_MANAGERS = frozenset({Role.WINDOW_WORKER, Role.SUPERVISOR, Role.ADMINISTRATOR})
#: Who confirms and rates a service for the family: the family's grid worker, or staff.
CONFIRMERS = frozenset({Role.GRID_WORKER, Role.VILLAGE_ASSISTANT, Role.WINDOW_WORKER,
                        Role.SUPERVISOR, Role.ADMINISTRATOR})
