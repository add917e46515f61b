"""The password policy of GB/T 22239 (等保 2.0), as Django password validators
(``AUTH_PASSWORD_VALIDATORS``): Django runs them on every change — the change-password
page, the admin's set-password, ``changepassword``. Setting a password in code
(``set_password``, the demo loader) does not validate, but still records the history."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The four character classes: upper case, lower case, digits, symbols (anything else).
CLASSES = (
    ("upper", lambda c: c.isascii() and c.isupper()),
    ("lower", lambda c: c.isascii() and c.islower()),
    ("digit", lambda c: c in string.digits),
    ("symbol", lambda c: not (c.isascii() and c.isalnum())),
)


def character_classes(password: str) -> int:
    return sum(any(test(c) for c in password) for _name, test in CLASSES)


class ComplexityValidator:
    """At least ``min_length`` characters of at least ``min_classes`` of the four classes."""

    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(
                _("密码至少需要 %(min_length)d 个字符。"), code="password_too_short",
                params={"min_length": self.min_length}))
        if character_classes(password) < self.min_classes:
            errors.append(ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号四类中的至少 %(min_classes)d 类。"),
                code="password_too_simple", params={"min_classes": self.min_classes}))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("至少 %(min_length)d 个字符，包含大写字母、小写字母、数字、符号中的至少 "
                 "%(min_classes)d 类。") % {"min_length": self.min_length,
                                           "min_classes": self.min_classes}


class NotUserNameValidator:
    """The password may not contain the user name (in any case, either way round)."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if len(username) >= 3 and (username in password.lower()
                                   or username[::-1] in password.lower()):
            raise ValidationError(_("密码不能包含用户名。"), code="password_has_username")

    def get_help_text(self) -> str:
        return _("不能包含用户名。")


class HistoryValidator:
    """The password may not be one of the user's last ``count`` passwords (their hashes are
    kept in :class:`~jiuzhu.accounts.models.PasswordHistory`, recorded on every change)."""

    def __init__(self, count: int = 5):
        self.count = count

    def _recent(self, user: Any) -> list[str]:
        from .models import PasswordHistory

        if user is None or not getattr(user, "pk", None):
            return []
        return list(PasswordHistory.objects.filter(user_id=user.pk)
                    .values_list("password", flat=True)[:self.count])

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        hashes = self._recent(user)
        if getattr(user, "pk", None):  # the one in use, even if recorded before the history
            from .models import User

            current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
            if current:
                hashes.append(current)
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                _("新密码不能与最近 %(count)d 次使用过的密码相同。"),
                code="password_reused", params={"count": self.count})

    def password_changed(self, password: str, user: Any = None) -> None:
        """Keep the hash of the new password and forget all but the last ``count``."""
        from .models import PasswordHistory

        if user is None or not getattr(user, "pk", None) or not user.password:
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        keep = list(PasswordHistory.objects.filter(user_id=user.pk)
                    .values_list("pk", flat=True)[:self.count])
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=keep).delete()

    def get_help_text(self) -> str:
        return _("不能与最近 %(count)d 次使用过的密码相同。") % {"count": self.count}
