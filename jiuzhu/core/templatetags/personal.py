"""``{% load personal %}``: ``{{ member.id_number|mask_id }}``, ``|mask_phone``, ``|mask_account``."""

from django import template

from jiuzhu.core.masking import mask_account, mask_id_number, mask_phone

register = template.Library()
register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("mask_account", mask_account)
