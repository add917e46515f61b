"""Kinds of archived case, closing events, record classes and their retention periods."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    APPLICATION = "application", _("申请案件")
    EMERGENCY = "emergency", _("急难个案")


class Closing(models.TextChoices):
    """The event that closed the case (one package per event: a dibao case approved and
    later stopped has two)."""

    APPROVED = "approved", _("批准")
    REFUSED = "refused", _("不予批准")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("撤回")
    STOPPED = "stopped", _("停发")
    CLOSED = "closed", _("急难个案办结")


#: applications.events.on_decided's action → the closing event it is
CLOSING_OF_ACTION = {
    "approve": Closing.APPROVED, "refuse": Closing.REFUSED, "reject": Closing.REJECTED,
    "withdraw": Closing.WITHDRAWN, "auto_withdraw": Closing.WITHDRAWN,
}


class RecordClass(models.TextChoices):
    """档案类别 — the retention periods below are demo values (README)."""

    DIBAO = "dibao", _("低保、特困供养案卷")
    RECOGNITION = "recognition", _("低收入、支出型困难认定案卷")
    TEMPORARY = "temporary", _("临时救助案卷")
    NOT_GRANTED = "not_granted", _("不予受理、不予批准、撤回案卷")
    EMERGENCY = "emergency", _("急难救助个案案卷")


#: years kept after the case closed (demo values: 低保 case files 30 years)
RETENTION_YEARS = {
    RecordClass.DIBAO: 30,
    RecordClass.RECOGNITION: 10,
    RecordClass.TEMPORARY: 10,
    RecordClass.NOT_GRANTED: 10,
    RecordClass.EMERGENCY: 10,
}

#: items whose approved files are 低保/特困 case files
DIBAO_ITEMS = ("MZ01", "MZ03")
TEMPORARY_ITEMS = ("MZ04", "MZ05")


def record_class_of(kind: str, item_code: str, closing: str) -> RecordClass:
    if kind == CaseKind.EMERGENCY:
        return RecordClass.EMERGENCY
    if closing in (Closing.REFUSED, Closing.REJECTED, Closing.WITHDRAWN):
        return RecordClass.NOT_GRANTED
    if item_code in DIBAO_ITEMS:
        return RecordClass.DIBAO
    if item_code in TEMPORARY_ITEMS:
        return RecordClass.TEMPORARY
    return RecordClass.RECOGNITION
