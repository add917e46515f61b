"""Social-worker cases (社工介入): a case of one household followed by a social worker of a
contracted social organisation, with its needs, goals, visits and referrals.

The case keeps a copy of what the social worker may read of the family — the contact's
name, village, address and phone — so that no page of theirs reads the household (no
income, no ID number, no household page)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.calendars.alerts import Due, alert_expression, alert_level, alert_rank
from jiuzhu.core.access import VisibleQuerySet

from .choices import CaseState, GoalOutcome, NeedKind, Phase, ReferralTarget, Trigger, VisitKind

#: a visit turns yellow within this many working days of its due date
VISIT_YELLOW_DAYS = 3


class SocialWorkAssignment(models.Model):
    """The social organisation holding a county's social-work assignment (社工服务承接机构):
    after-care cases opened automatically go to it."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("县（区）"))
    region_path = models.CharField(max_length=128, db_index=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("承接机构"))
    active = models.BooleanField(_("有效"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("社工服务承接机构")
        verbose_name_plural = _("社工服务承接机构")

    def __str__(self) -> str:
        return f"{self.county_id} {self.organisation_id}"


class SocialCaseQuerySet(VisibleQuerySet["SocialCase"]):
    def with_next_visit(self) -> SocialCaseQuerySet:
        """Annotate ``next_visit_due``: the earliest due date of a visit not yet done."""
        due = (Visit.objects.filter(case=OuterRef("pk"), done_on__isnull=True,
                                    due_on__isnull=False)
               .values("case").annotate(first=Min("due_on")).values("first")[:1])
        return self.annotate(next_visit_due=Subquery(due))

    def with_alert(self, today: date | None = None) -> SocialCaseQuerySet:
        """Annotate ``alert`` (red: a visit overdue; yellow: one due within 3 working days)
        and ``alert_rank`` of an open case; a closed case has none."""
        qs = self if "next_visit_due" in self.query.annotations else self.with_next_visit()
        expression = alert_expression([Due("next_visit_due", VISIT_YELLOW_DAYS,
                                           when=Q(state=CaseState.OPEN))], today=today)
        return qs.annotate(alert=expression).annotate(alert_rank=alert_rank("alert"))


class SocialCase(models.Model):
    """A social-worker case (社工介入个案)."""

    household = models.ForeignKey("households.Household", on_delete=models.PROTECT,
                                  related_name="social_cases", verbose_name=_("家庭"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在村（社区）"))
    region_path = models.CharField(max_length=128, db_index=True)
    # what the social worker may read of the family (copied when the case opens)
    contact_name = models.CharField(_("联系人"), max_length=64)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="social_cases", verbose_name=_("社会组织"))
    social_worker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="social_cases",
                                      verbose_name=_("社工"))
    phase = models.CharField(_("介入阶段"), max_length=8, choices=Phase.choices, db_index=True)
    trigger = models.CharField(_("触发原因"), max_length=20, choices=Trigger.choices)
    summary = models.TextField(_("需求概述"), blank=True)
    emergency_case = models.ForeignKey("emergency.EmergencyCase", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("急难个案"))
    application = models.ForeignKey("applications.Application", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("救助申请"))
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("线索"))
    # the key of an automatic opening (``after_emergency:<help id>``, ``left_dibao:<app id>``)
    # so that it happens once
    origin_key = models.CharField(max_length=60, blank=True, null=True, unique=True)
    state = models.CharField(_("状态"), max_length=8, choices=CaseState.choices,
                             default=CaseState.OPEN, db_index=True)
    opened_at = models.DateTimeField(_("开案时间"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("开案人"))
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closing_note = models.TextField(_("结案说明"), blank=True)

    objects = SocialCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("社工介入个案")
        verbose_name_plural = _("社工介入个案")
        indexes = [models.Index(fields=["region_path", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.contact_name}"

    @property
    def number(self) -> str:
        return f"SG{self.pk:06d}" if self.pk else "SG"

    def next_visit(self) -> Visit | None:
        return self.visits.filter(done_on__isnull=True).order_by("due_on", "id").first()

    def current_alert(self, today: date | None = None) -> str:
        if self.state != CaseState.OPEN:
            return "none"
        due = getattr(self, "next_visit_due", None)
        if due is None and "next_visit_due" not in self.__dict__:
            visit = self.next_visit()
            due = visit.due_on if visit is not None else None
        return alert_level(today or timezone.localdate(), (due, VISIT_YELLOW_DAYS))


class CaseNeed(models.Model):
    case = models.ForeignKey(SocialCase, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("需求类别"), max_length=16, choices=NeedKind.choices)
    description = models.TextField(_("需求说明"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("个案需求")
        verbose_name_plural = _("个案需求")

    def __str__(self) -> str:
        return self.get_kind_display()


class Goal(models.Model):
    need = models.ForeignKey(CaseNeed, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("服务目标"), max_length=200)
    target_date = models.DateField(_("目标日期"), null=True, blank=True)
    outcome = models.CharField(_("达成情况"), max_length=10, choices=GoalOutcome.choices,
                               blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("服务目标")
        verbose_name_plural = _("服务目标")

    def __str__(self) -> str:
        return self.text


class Visit(models.Model):
    """A visit: planned (``due_on``) and/or done (``done_on``)."""

    case = models.ForeignKey(SocialCase, on_delete=models.CASCADE, related_name="visits")
    due_on = models.DateField(_("应回访日期"), null=True, blank=True, db_index=True)
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    kind = models.CharField(_("方式"), max_length=8, choices=VisitKind.choices, blank=True)
    notes = models.TextField(_("回访记录"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "done_on", "id"]
        verbose_name = _("回访")
        verbose_name_plural = _("回访")

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on or self.done_on}"

    def alert(self, today: date | None = None) -> str:
        if self.done_on is not None or self.due_on is None:
            return "none"
        return alert_level(today or timezone.localdate(), (self.due_on, VISIT_YELLOW_DAYS))


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="socialwork/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("回访照片")
        verbose_name_plural = _("回访照片")

    def __str__(self) -> str:
        return self.original_name or self.sha256[:16]


class CaseReferral(models.Model):
    case = models.ForeignKey(SocialCase, on_delete=models.CASCADE, related_name="referrals")
    target = models.CharField(_("转介去向"), max_length=16, choices=ReferralTarget.choices)
    name = models.CharField(_("转介对象"), max_length=100)
    xingfu_need = models.ForeignKey("xingfu.ServiceNeed", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("幸福云需求"))
    note = models.TextField(_("转介说明"), blank=True)
    referred_at = models.DateTimeField(auto_now_add=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("转介")
        verbose_name_plural = _("转介")

    def __str__(self) -> str:
        return self.name


class CaseStep(models.Model):
    """One step taken on a case (办理记录)."""

    case = models.ForeignKey(SocialCase, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("动作"), max_length=20)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("社工个案办理记录")
        verbose_name_plural = _("社工个案办理记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


