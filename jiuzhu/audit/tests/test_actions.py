"""Every action code written to the audit is a choice with a Chinese label: the code is
scanned for ``audit_record(action=…)`` and ``audit_read(…, action)``, so a new action without
a label fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import jiuzhu
from jiuzhu.audit.choices import AuditAction

ROOT = Path(jiuzhu.__file__).parent
HELPERS = ROOT / "audit" / "services.py"  # defines them; audit_read checks ``action`` itself
CALLS = {"audit_record": ("action", None), "audit_read": ("action", 2)}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _argument(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


class _Module:
    def __init__(self, source: str):
        self.tree = ast.parse(source)
        self.constants: dict[str, str] = {}
        self.functions: dict[str, ast.FunctionDef] = {}
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        for node in self.tree.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.constants[target.id] = node.value.value
            if isinstance(node, ast.FunctionDef):
                self.functions[node.name] = node

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def values(self, node: ast.expr | None, at: ast.AST, depth: int = 0) -> list[str | None]:
        """The literal values an argument can take; ``None`` for one that cannot be known."""
        if node is None:
            return []  # the default of the helper: checked by its own signature
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return self.values(node.body, at, depth) + self.values(node.orelse, at, depth)
        if isinstance(node, ast.Attribute) and _name(node.value) == "AuditAction":
            member = getattr(AuditAction, node.attr, None)
            return [member.value if member is not None else None]
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return [self.constants[node.id]]
            function = self.enclosing(at)
            if function is not None and depth < 3:
                names = [a.arg for a in function.args.args + function.args.kwonlyargs]
                if node.id in names:
                    return self.callers(function, node.id, depth + 1)
                assigned = self.assigned(function, node.id, depth + 1)
                if assigned:
                    return assigned
        return [None]

    def assigned(self, function: ast.FunctionDef, name: str, depth: int) -> list[str | None]:
        """The values a local name is given in ``function``: ``name = …``, or unpacked from
        a keyed tuple, ``a, name, b = options["key"]``, whose tuples are assigned
        (``options["key"] = (…)``) or written (``{"key": (…)}``) elsewhere in the module."""
        found: list[str | None] = []
        for node in ast.walk(function):
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == name:
                found += self.values(node.value, node, depth)
            elif (isinstance(target, ast.Tuple) and isinstance(node.value, ast.Subscript)
                  and isinstance(node.value.slice, ast.Constant)):
                index = next((i for i, e in enumerate(target.elts)
                              if isinstance(e, ast.Name) and e.id == name), None)
                if index is not None:
                    found += self.keyed(node.value.slice.value, index, depth) or [None]
        return found

    def keyed(self, key: object, index: int, depth: int) -> list[str | None]:
        found: list[str | None] = []
        for node in ast.walk(self.tree):
            tuples: list[ast.expr] = []
            if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)
                    and isinstance(node.targets[0].slice, ast.Constant)
                    and node.targets[0].slice.value == key):
                tuples.append(node.value)
            elif isinstance(node, ast.Dict):
                tuples += [v for k, v in zip(node.keys, node.values, strict=True)
                           if isinstance(k, ast.Constant) and k.value == key]
            for value in tuples:
                if isinstance(value, ast.Tuple) and len(value.elts) > index:
                    found += self.values(value.elts[index], node, depth)
        return found

    def callers(self, function: ast.FunctionDef, param: str, depth: int) -> list[str | None]:
        """The values the module's calls of ``function`` pass for ``param``."""
        positional = [a.arg for a in function.args.args]
        index = positional.index(param) if param in positional else None
        found: list[str | None] = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and _name(node.func) == function.name:
                found += self.values(_argument(node, param, index), node, depth)
        return found or [None]


def undefined_actions(source: str, where: str = "<source>") -> list[str]:
    """``path:line action`` for every audited action that is not a defined choice."""
    module = _Module(source)
    problems = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and _name(node.func) in CALLS:
            keyword, position = CALLS[_name(node.func)]
            for value in module.values(_argument(node, keyword, position), node):
                if value not in AuditAction.values:
                    problems.append(f"{where}:{node.lineno} {value!r}")
    return problems


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts or path == HELPERS:
            continue
        source = path.read_text(encoding="utf-8")
        if "audit_record(" in source or "audit_read(" in source:
            yield path, source


def test_every_audited_action_is_a_choice_with_a_label():
    problems = []
    calls = 0
    for path, source in _sources():
        calls += source.count("audit_record(") + source.count("audit_read(")
        problems += undefined_actions(source, str(path.relative_to(ROOT.parent)))
    assert calls >= 50, "the scan found too few audit calls: is it looking in the right place?"
    assert problems == [], "actions without a label in jiuzhu/audit/choices.py: " + ", ".join(problems)


def test_every_choice_has_a_chinese_label():
    for code, label in AuditAction.choices:
        assert label and str(label) != code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(label)), code


def test_the_scan_catches_a_new_action_however_it_is_written():
    source = '''
MOVE = "teleport"

def helper(actor, action, obj):
    audit_record(actor=actor, action=action, obj=obj)

def work(actor, obj, flag):
    audit_record(actor=actor, action="view", obj=obj)
    audit_record(actor=actor, action="frobnicate", obj=obj)
    audit_record(actor=actor, action="create" if flag else "levitate", obj=obj)
    audit_record(actor=actor, action=MOVE)
    audit_read(actor, obj, "peek")
    audit_read(actor, obj, action="download", what="payroll")
    helper(actor, "juggle", obj)
    helper(actor, "update", obj)
    audit_record(actor=actor, action=compute())

def unpacked(ctx):
    kind, audit_action, detail = ctx.options["record"]
    audit_record(actor=ctx.actor, action=audit_action)
    local = "view" if ctx.flag else "squint"
    audit_record(actor=ctx.actor, action=local)

def first(ctx):
    ctx.options["record"] = (1, "create", {})

def second(ctx):
    ctx.options["record"] = (2, "vanish", {})
'''
    problems = sorted(p.split(" ", 1)[1] for p in undefined_actions(source))
    assert problems == sorted(["'frobnicate'", "'levitate'", "'teleport'", "'peek'", "'juggle'",
                               "None", "'vanish'", "'squint'"])
