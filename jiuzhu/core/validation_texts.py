"""Our wording for Django's stock form-validation texts.

Django's own Simplified Chinese reads awkwardly (这个字段是必填项。, 输入一个有效的日期。)
and some texts have no Chinese at all; the pages and the API should say the same thing
(必填项, 日期格式应为 YYYY-MM-DD …, see ``core.workflow.MESSAGES``). These msgids are ours,
so the English and Traditional Chinese interfaces take them from our catalogues.

:func:`install` runs once from ``CoreConfig.ready``: it replaces the class defaults, so a
field built afterwards starts from our texts, while a form's own ``error_messages`` still win.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _

#: field class → {error code: our text}
FIELD_TEXTS: dict[type[forms.Field], dict[str, Any]] = {
    forms.Field: {"required": _("必填项")},
    forms.IntegerField: {"invalid": _("应为整数")},
    forms.FloatField: {"invalid": _("应为数字")},
    forms.DecimalField: {"invalid": _("应为数字")},
    forms.DateField: {"invalid": _("日期格式应为 YYYY-MM-DD")},
    forms.DateTimeField: {"invalid": _("时间格式不正确")},
    forms.TimeField: {"invalid": _("时间格式不正确")},
    forms.ChoiceField: {"invalid_choice": _("取值不在允许范围内")},
    forms.MultipleChoiceField: {"invalid_choice": _("取值不在允许范围内"),
                                "invalid_list": _("应为列表")},
    forms.ModelChoiceField: {"invalid_choice": _("取值不在允许范围内")},
    forms.ModelMultipleChoiceField: {"invalid_choice": _("取值不在允许范围内"),
                                     "invalid_list": _("应为列表")},
    forms.FileField: {"invalid": _("没有收到文件，请重新选择"), "missing": _("没有收到文件，请重新选择"),
                      "empty": _("文件为空")},
    forms.ImageField: {"invalid_image": _("只接受图片文件")},
    forms.EmailField: {"invalid": _("电子邮箱格式不正确")},
}

#: validator class → its message (the validators' params stay named)
VALIDATOR_TEXTS: dict[type[validators.BaseValidator], Any] = {
    validators.MaxLengthValidator: _("不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）"),
    validators.MinLengthValidator: _("至少 %(limit_value)d 个字（现有 %(show_value)d 个）"),
    validators.MaxValueValidator: _("不能大于 %(limit_value)s"),
    validators.MinValueValidator: _("不能小于 %(limit_value)s"),
}

DECIMAL_TEXTS: dict[str, Any] = {
    "invalid": _("应为数字"),
    "max_digits": _("数字位数过多（最多 %(max)s 位）"),
    "max_decimal_places": _("最多 %(max)s 位小数"),
    "max_whole_digits": _("整数部分过长（最多 %(max)s 位）"),
}


def install() -> None:
    """Our texts as the defaults of Django's form fields and validators."""
    for field_class, texts in FIELD_TEXTS.items():
        # the class's own dict, so a subclass's other defaults are left alone
        field_class.default_error_messages = {**field_class.__dict__.get(
            "default_error_messages", {}), **texts}
    for validator_class, message in VALIDATOR_TEXTS.items():
        validator_class.message = message
    validators.EmailValidator.message = FIELD_TEXTS[forms.EmailField]["invalid"]
    validators.DecimalValidator.messages = {**validators.DecimalValidator.messages, **DECIMAL_TEXTS}
