"""Choices of economic-status verification (家庭经济状况核对)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role


class RequestStatus(models.TextChoices):
    """Where a verification request stands.

    ``pending`` not queried yet; ``partial`` some sources answered, others are still to be
    queried; ``failed`` the last run got no answer from any source; ``complete`` every
    source answered (the report is final).
    """

    PENDING = "pending", _("待查询")
    PARTIAL = "partial", _("部分返回")
    COMPLETE = "complete", _("已完成")
    FAILED = "failed", _("查询失败")


class ResponseStatus(models.TextChoices):
    """One source's answer: ``unavailable`` means the source was down at the last attempt
    and is queried again by the next run, exactly like ``pending``."""

    PENDING = "pending", _("待查询")
    OK = "ok", _("已返回")
    UNAVAILABLE = "unavailable", _("暂不可用")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("不采纳")


class ImportStatus(models.TextChoices):
    """A department file uploaded on the import page: ``previewed`` checked and waiting for
    the officer; ``applied`` it is the file the source now reads; ``discarded`` not used."""

    PREVIEWED = "previewed", _("待确认")
    APPLIED = "applied", _("已导入")
    DISCARDED = "discarded", _("已放弃")


class Decision(models.TextChoices):
    ACCEPT = "accept", _("采纳")
    DISMISS = "dismiss", _("不采纳")


# Roles that request verifications, run them and decide their findings (besides superusers).
VERIFIERS = frozenset({Role.VERIFICATION_OFFICER, Role.ADMINISTRATOR})

# Requests whose sources are not all answered yet: a run queries what is still missing.
UNFINISHED = (RequestStatus.PENDING, RequestStatus.PARTIAL, RequestStatus.FAILED)
