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


def _mask_for(key: str) -> Any:
    for suffix, mask in (("id_number", mask_id_number), ("phone", mask_phone),
                         ("account_number", mask_account)):
        if key.endswith(suffix):
            return mask
    return None


def mask_personal(data: Any) -> Any:
    """``data`` (a JSON-like value: an audit event's detail, a snapshot) with the value of
    every key ending in ``id_number``, ``phone`` or ``account_number`` masked, at any depth
    (a list under such a key, e.g. ``changes: {"phone": [old, new]}``, masked element by
    element). What is kept only for display need not hold personal data in full."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            mask = _mask_for(str(key))
            if mask is not None and isinstance(value, str):
                out[key] = mask(value) if value else value
            elif mask is not None and isinstance(value, list):
                out[key] = [mask(v) if isinstance(v, str) and v else v for v in value]
            else:
                out[key] = mask_personal(value)
        return out
    if isinstance(data, list):
        return [mask_personal(v) for v in data]
    return data
