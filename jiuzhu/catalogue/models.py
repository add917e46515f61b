from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Level, Program


class Department(models.Model):
    """A department (部门) whose items the window takes in."""

    code = models.CharField(_("部门代码"), max_length=8, unique=True)
    name = models.CharField(_("部门名称"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One dated version of a catalogue item (事项).

    An item is never edited in place: a change is a new row with the same ``code`` and a
    later ``valid_from``; the version in force on a day is the latest one that began on or
    before it (like the rules parameters). ``retired`` ends an item from its ``valid_from``.
    """

    code = models.CharField(_("事项编码"), max_length=16, db_index=True)
    valid_from = models.DateField(_("生效日期"))
    name = models.CharField(_("事项名称"), max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items",
                                   verbose_name=_("部门"))
    level = models.CharField(_("办理层级"), max_length=16, choices=Level.choices)
    limit = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    program = models.CharField(_("规则程序"), max_length=16, choices=Program.choices, blank=True)
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    policy = models.TextField(_("政策依据"), blank=True)
    conditions = models.TextField(_("申请条件"), blank=True)
    process = models.TextField(_("办理流程"), blank=True)
    # The conditions as a resident would say them (no coefficients, no formulas): shown on
    # the resident pages (/self/) and in the handbook's resident view.
    resident_text = models.TextField(_("给居民的说明"), blank=True)
    # Who the 大处方 recommends the item to (符合) and for whom it may apply (可能符合): conditions
    # over the engine's facts (jiuzhu/rules/conditions.py); both empty = decided on request.
    condition_eligible = models.TextField(_("符合条件（表达式）"), blank=True)
    condition_possible = models.TextField(_("可能符合条件（表达式）"), blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    retired = models.BooleanField(_("已停用"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("修订说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "code", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"],
                                               name="catalogue_item_code_valid_from")]
        verbose_name = _("事项")
        verbose_name_plural = _("事项")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def decided_here(self) -> bool:
        """The platform decides this item itself (it has a rules programme)."""
        return bool(self.program)
