"""``{% load personal %}``: ``{{ member.id_number|mask_id }}``, ``|mask_phone``, ``|mask_account``,
and ``{% tel household.phone household %}``: the phone masked, as a ``tel:`` link carrying the
real number only for a user who may see the personal data of that object in full
(``households.reveal_personal_data``); anyone else gets the masked text and no link."""

from typing import Any

from django import template
from django.utils.html import format_html

from jiuzhu.core.masking import mask_account, mask_id_number, mask_phone

register = template.Library()
register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("mask_account", mask_account)

REVEAL_PERM = "households.reveal_personal_data"


def may_reveal(user: Any, obj: Any = None) -> bool:
    """May ``user`` see the personal data of ``obj`` (a household, lead, case…) in full?"""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_perm(REVEAL_PERM, obj))


@register.simple_tag(takes_context=True)
def tel(context: Any, value: Any, obj: Any = None, label: str = "") -> str:
    """``{% tel phone obj [label] %}``: ``label`` (or the masked phone) as a ``tel:`` link for
    a user who may reveal ``obj``'s personal data; the masked phone as text for anyone else."""
    if not value:
        return ""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    masked = mask_phone(value)
    if may_reveal(user, obj):
        return format_html('<a href="tel:{}" data-testid="tel">{}{}</a>', value,
                           f"{label} " if label else "", masked)
    return format_html('<span data-testid="tel-masked">{}</span>', masked)


@register.simple_tag(takes_context=True)
def can_reveal(context: Any, obj: Any = None) -> bool:
    """``{% can_reveal household as allowed %}``: may the user see ``obj``'s personal data?"""
    return may_reveal(context.get("user") or getattr(context.get("request"), "user", None), obj)
