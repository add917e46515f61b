"""Personal data masked by default (个人信息保护法, least privilege): one place for all screens
and exports. ID number: first 6 and last 4 (``110101********1234``); phone: first 3 and
last 4 (``138****5678``); bank account: last 4 (``**** 5678``)."""

from __future__ import annotations

from typing import Any


def mask_id_number(value: Any) -> str:
    text = str(value or "")
    if len(text) <= 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"


def mask_phone(value: Any) -> str:
    text = str(value or "")
    if len(text) <= 7:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"


def mask_account(value: Any) -> str:
    text = "".join(str(value or "").split())
    if not text:
        return ""
    return f"**** {text[-4:]}" if len(text) > 4 else "*" * len(text)


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "account_number": mask_account}
