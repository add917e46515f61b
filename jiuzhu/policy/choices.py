from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftState(models.TextChoices):
    """The states of a county-entered parameter set (政策参数调整)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准生效")
    RETURNED = "returned", _("已退回")


class DraftSource(models.TextChoices):
    FORM = "form", _("页面录入")
    IMPORT = "import", _("导入 YAML")
