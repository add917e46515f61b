from django.db import models
from django.utils.translation import gettext_lazy as _


class PayrollStatus(models.TextChoices):
    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
