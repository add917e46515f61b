"""Error messages go through gettext (Simplified Chinese msgids), so the English and
Traditional Chinese interfaces show them in their language.

The rule, checked here for every module outside the tests and the rules engine: a Chinese
text given to ``ServiceError``, ``field_error``, ``ValidationError`` or ``add_error`` (also
inside its ``errors`` list) is wrapped in ``_()`` with named placeholders —
``_("事项 %(code)s 不存在") % {"code": code}`` — never an f-string inside ``_()``.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from ninja import Schema
from pydantic import Field

from jiuzhu.core.errors import ServiceError, field_error, text_value
from jiuzhu.core.workflow import Action, Workflow, error_message, field_label

PACKAGE = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")
RAISING = {"ServiceError", "field_error", "ValidationError", "add_error"}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext",
           "gettext_noop"}
#: "path:line" of a literal allowed to stay untranslated (keep this empty if you can).
EXCEPTIONS: set[str] = set()


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _bare_chinese(node: ast.AST) -> list[ast.AST]:
    """Chinese literals (plain or f-strings) under ``node`` that are not inside ``_()``;
    the separator of a ``"、".join(…)`` is not a message."""
    if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
        return []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "join":
        return [n for arg in node.args for n in _bare_chinese(arg)]
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and CJK.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        chinese = any(isinstance(v, ast.Constant) and CJK.search(str(v.value))
                      for v in node.values)
        return [node] if chinese else []
    return [n for child in ast.iter_child_nodes(node) for n in _bare_chinese(child)]


def modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py")
        if not {"tests", "migrations", "rules"} & set(p.relative_to(PACKAGE).parts[:-1])
        and p.name not in ("conftest.py", "testing.py", "settings_test.py"))


def untranslated(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = (path.relative_to(PACKAGE.parent).as_posix() if path.is_relative_to(PACKAGE)
             else path.name)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _name(node.func) in RAISING:
            for arg in (*node.args, *(k.value for k in node.keywords)):
                found += [f"{where}:{n.lineno}" for n in _bare_chinese(arg)]
        if _name(node.func) in GETTEXT and any(isinstance(a, ast.JoinedStr) for a in node.args):
            found.append(f"{where}:{node.lineno} (an f-string inside _(): name the placeholders)")
    return [f for f in found if f.split(" ")[0] not in EXCEPTIONS]


def test_the_scan_sees_the_modules():
    names = {p.relative_to(PACKAGE).as_posix() for p in modules()}
    assert {"core/workflow.py", "core/errors.py", "applications/workflow.py",
            "households/services.py"} <= names
    assert not any("/tests/" in n or n.startswith("rules/") for n in names)


def test_the_scan_finds_a_bare_message(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('raise ServiceError(ErrorCode.VALIDATION, "输入有误",\n'
                      '    [{"path": "x", "message": f"第 {n} 行"}])\n'
                      'raise field_error("x", _("必填项"))\n'
                      'raise field_error("x", _(f"第 {n} 行"))\n'
                      'raise field_error("x", _("第 %(n)s 行") % {"n": "、".join(names)})\n',
                      encoding="utf-8")
    lines = sorted(int(f.split(":")[1].split(" ")[0]) for f in untranslated(sample))
    assert lines == [1, 2, 4]


def test_error_messages_go_through_gettext():
    found = [f for path in modules() for f in untranslated(path)]
    assert not found, (
        "Chinese error texts without _(): wrap them, e.g. "
        '_("事项 %(code)s 不存在") % {"code": code} — ' + ", ".join(found))


@pytest.mark.parametrize(("language", "required", "not_text"), [
    ("zh-hans", "必填项", "应为文字"),
    ("zh-hant", "必填項", "應為文字"),
    ("en", "Required", "Should be text"),
])
def test_core_helpers_speak_the_interface_language(language, required, not_text):
    with translation.override(language):
        with pytest.raises(Exception) as blank:
            text_value({"reason": " "}, "reason")
        with pytest.raises(Exception) as number:
            text_value({"reason": 5}, "reason")
        assert blank.value.errors == [{"path": "reason", "message": required}]
        assert number.value.errors == [{"path": "reason", "message": not_text}]
        assert error_message({"type": "missing"}) == required
        assert field_error("amount", required).errors[0]["path"] == "amount"


def test_pydantic_texts_never_show_in_english_in_chinese():
    with translation.override("zh-hans"):
        assert error_message({"type": "some_new_type", "msg": "Input should be fine"}) == "输入有误"
        assert error_message({"type": "less_than", "msg": "Input should be less than 5"}) == "数值过大"


def test_fields_are_named_by_their_label_not_their_name():
    with translation.override("zh-hans"):
        assert field_label(None, "amount") == "金额"
        assert field_label(None, "members[1].id_number") == "身份证号"
        assert field_label(None, "") == "请求"
    with translation.override("en"):
        assert field_label(None, "amount") == "Amount"


class AmountIn(Schema):
    amount: Decimal = Field(decimal_places=2)
    reason: str = Field(min_length=1)


PAY = Workflow(name="pay", model=object, states=("open",), actions=[
    Action("pay", "发放", source=("open",), schema=AmountIn)])


@pytest.mark.parametrize(("language", "summary", "amount"), [
    ("zh-hans", "输入有误：金额 金额格式不正确；理由 必填项", "金额格式不正确"),
    ("zh-hant", "輸入有誤：金額 金額格式不正確；理由 必填項", "金額格式不正確"),
    ("en", "The input is wrong: Amount: Invalid amount; Reason: Required", "Invalid amount"),
])
def test_the_engine_names_fields_by_label_in_the_interface_language(language, summary, amount):
    """The summary names each field by its label (金额, never ``amount``); the paths keep
    the names."""
    with translation.override(language), pytest.raises(ServiceError) as refused:
        PAY.validate(PAY.action("pay"), {"amount": "abc"})
    error = refused.value
    assert error.status == 422
    assert [e["path"] for e in error.errors] == ["amount", "reason"]
    assert error.message == summary and error.errors[0]["message"] == amount
