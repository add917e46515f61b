from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role


class Offering(models.TextChoices):
    """What a love station (爱心驿站) offers."""

    REPORT = "report", _("报告困难家庭")
    GOODS = "goods", _("物资")
    MEALS = "meals", _("助餐")
    SUPERMARKET = "supermarket", _("爱心超市点")


#: County and township staff who register, edit and deactivate stations.
STATION_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER,
                              Role.SUPERVISOR})

#: Lead states and outcomes counted on a station's page (the codes of ``leads.choices``:
#: stations lie below leads and read them through the reverse relation ``station.leads``).
LEAD_CLOSED = "closed"
LEAD_UNREACHABLE = "unreachable"
